export * from "cdktn/lib/testing/adapters/jest";
