/** The test helpers' failures name what was searched, and what there was instead. */
import type { StackJson } from "../modules/core/terraform-json";
import { bucketByName, findResource, keyByAlias, onlyResource, statement } from "./helpers";

const stack: StackJson = {
  resource: {
    aws_kms_alias: { a: { name: "alias/x", target_key_id: "${aws_kms_key.k.key_id}" } },
    aws_s3_bucket: { b: { bucket: "one" }, c: { bucket: "two" } },
  },
};

test("a missing key alias: the alias, how many there were, their names", () => {
  expect(() => keyByAlias(stack, "alias/y")).toThrow(
    "expected one aws_kms_alias where name is alias/y, found 0 of 1: a",
  );
});

test("not exactly one resource of a type: the type and the names", () => {
  expect(() => onlyResource(stack, "aws_s3_bucket")).toThrow(
    "expected one aws_s3_bucket, found 2: b, c",
  );
  expect(() => onlyResource(stack, "aws_iam_role")).toThrow(
    "expected one aws_iam_role, found 0: none",
  );
});

test("a predicate that matches nothing: the predicate's source; a bucket: its name", () => {
  expect(() => findResource(stack, "aws_s3_bucket", (r) => r.bucket === "q")).toThrow(
    'expected one aws_s3_bucket where (r) => r.bucket === "q", found 0 of 2: b, c',
  );
  expect(() => bucketByName(stack, "three")).toThrow(
    "expected one aws_s3_bucket where bucket is three, found 0 of 2: b, c",
  );
  expect(bucketByName(stack, "two").name).toBe("c");
});

test("a missing statement: its Sid and the Sids there are", () => {
  expect(() =>
    statement({ Version: "2012-10-17", Statement: [{ Sid: "A", Effect: "Allow" }] } as never, "B"),
  ).toThrow('no statement "B" in A');
});
