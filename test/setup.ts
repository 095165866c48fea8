// Declares and registers cdktf's jest matchers (toHaveResourceWithProperties, ...).
import { setupJest } from "cdktf/lib/testing/adapters/jest";

setupJest();
