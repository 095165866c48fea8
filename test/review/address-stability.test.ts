import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  compareAddressPins,
  dataBearingAddresses,
  type AddressPins,
} from "../../review/address-stability";
import { REPO_ROOT, synthPlatform } from "../helpers";

const pinned: AddressPins = JSON.parse(
  readFileSync(join(REPO_ROOT, "test", "pinned-addresses.json"), "utf8"),
);

describe("addresses of data-bearing resources", () => {
  test("match the pins in test/pinned-addresses.json", () => {
    const { json } = synthPlatform();
    const current: AddressPins = {};
    for (const [id, stack] of Object.entries(json)) current[id] = dataBearingAddresses(stack);
    const problems = compareAddressPins(pinned, current);
    if (problems.length > 0) throw new Error(problems.join("\n"));
  });

  test("every bootstrap stack pins its state bucket, state key and access-log bucket", () => {
    for (const account of ["dev", "staging", "prod"]) {
      expect(pinned[`${account}-bootstrap`]).toEqual([
        "aws_kms_key.state_key_5FD9E39E",
        "aws_s3_bucket.access-logs_bucket_1581D030",
        "aws_s3_bucket.state_bucket_99469A59",
      ]);
    }
  });
});

describe("compareAddressPins", () => {
  const before = { "dev-bootstrap": ["aws_kms_key.state_key_1", "aws_s3_bucket.state_bucket_2"] };

  test("no problems when nothing changed", () => {
    expect(compareAddressPins(before, structuredClone(before))).toEqual([]);
  });

  test("a renamed bucket construct fails and says how to move it on purpose", () => {
    const after = {
      "dev-bootstrap": ["aws_kms_key.state_key_1", "aws_s3_bucket.tfstate_bucket_9"],
    };
    expect(compareAddressPins(before, after)).toEqual([
      "dev-bootstrap: data-bearing resource aws_s3_bucket.state_bucket_2 is gone; Terraform would destroy it " +
        "(a aws_s3_bucket appeared as aws_s3_bucket.tfstate_bucket_9: a renamed or moved construct?). " +
        'If the move is intended, keep the data: call `resource.moveFromId("<old address>")` on the new ' +
        "construct (cdktf writes a Terraform `moved` block), then run `npm run pin-addresses`.",
      "dev-bootstrap: data-bearing resource aws_s3_bucket.tfstate_bucket_9 is not pinned. " +
        "If the new resource is intended, run `npm run pin-addresses` to pin it.",
    ]);
  });

  test("a removed stack fails for each of its resources", () => {
    expect(compareAddressPins(before, {})).toHaveLength(2);
  });

  test("only data-bearing types are pinned", () => {
    expect(
      dataBearingAddresses({
        resource: {
          aws_s3_bucket: { b: {} },
          aws_s3_bucket_policy: { p: {} },
          aws_kms_key: { k: {} },
          aws_kms_alias: { a: {} },
        },
      }),
    ).toEqual(["aws_kms_key.k", "aws_s3_bucket.b"]);
  });
});
