/**
 * The catalogues are what the platform iterates: every row of BUCKETS and PERSONAS reaches the
 * config schema, the names, the resources and the outputs, so a new row needs nothing else.
 */
import { BUCKET_KINDS, BUCKETS, bucketConfigFields, type BucketSpec } from "../../accounts/buckets";
import { platformConfigSchema } from "../../accounts/config/platform-schema";
import { AccountNames, namingInput } from "../../accounts/naming";
import { PERSONA_IDS, PERSONAS, personasOf } from "../../modules/iam/personas";
import {
  bucketByName,
  exampleInput,
  parse,
  resourcesOf,
  synthPlatform,
  synthWith,
} from "../helpers";

const example = synthPlatform();
const dev = example.json.dev;
const names = new AccountNames(namingInput(parse(exampleInput()), "dev"));

describe("BUCKETS", () => {
  test.each(BUCKET_KINDS)(
    "%s: its bucket, its name, its outputs, Studio's grants, the approval guard",
    (kind) => {
      const spec: BucketSpec = BUCKETS[kind];
      const buckets = resourcesOf(dev, "aws_s3_bucket");
      const id = Object.keys(buckets).find((k) => k.startsWith(`${spec.constructId}_`))!;
      expect(buckets[id].bucket).toBe(`mlops-dev-${spec.purpose}-111111111111-eu-west-1`);
      expect(names.platformBucketName(kind)).toBe(buckets[id].bucket);
      expect(names.allBucketNames()).toContain(buckets[id].bucket);
      expect(dev.output!.bucket_names.value[kind]).toBe(`\${aws_s3_bucket.${id}.bucket}`);
      expect(dev.output!.bucket_arns.value[kind]).toBe(`\${aws_s3_bucket.${id}.arn}`);
      const policy = Object.entries(resourcesOf(dev, "aws_s3_bucket_policy")).find(([k]) =>
        k.startsWith(`${spec.constructId}_`),
      )![1].policy as string;
      expect(policy).toContain('"Sid":"OnlyTheApproverTagsModelApproval"');
      const studioData = Object.values(resourcesOf(dev, "aws_iam_policy")).find(
        (p) => p.name === `${names.studioExecutionRoleName}-${spec.grantPolicy ?? "data"}`,
      )!.policy as string;
      expect(studioData).toContain(`\${aws_s3_bucket.${id}.arn}/*`);
    },
  );

  test("each row's config field is in the account's buckets, described", () => {
    const fields = bucketConfigFields();
    expect(Object.keys(fields)).toEqual(BUCKET_KINDS);
    for (const kind of BUCKET_KINDS)
      expect(fields[kind].description).toBe(BUCKETS[kind].description);
    // Each row's field takes its settings, and they reach its bucket; a key with no row is refused.
    for (const kind of BUCKET_KINDS) {
      const raw = exampleInput() as any;
      raw.accounts.dev.buckets = { [kind]: { noncurrentVersionExpirationDays: 45 } };
      const parsed = platformConfigSchema.safeParse(raw);
      expect([kind, parsed.success]).toEqual([kind, true]);
      const dev = synthWith((input) => (input.accounts.dev.buckets = raw.accounts.dev.buckets)).dev;
      const lifecycle = bucketByName(dev, names.platformBucketName(kind)).config(
        "aws_s3_bucket_lifecycle_configuration",
      );
      expect(JSON.stringify(lifecycle)).toContain('"noncurrent_days":45');
    }
    const raw = exampleInput() as any;
    raw.accounts.dev.buckets = { features: {} };
    expect(platformConfigSchema.safeParse(raw).success).toBe(false);
  });
});

describe("PERSONAS", () => {
  test.each(PERSONA_IDS)("%s: its role, its output, its config keys", (persona) => {
    const spec = PERSONAS[persona];
    const roles = resourcesOf(dev, "aws_iam_role");
    const id = Object.keys(roles).find((k) => k.startsWith(`${spec.constructId}_`))!;
    expect(roles[id].name).toBe(`mlops-dev-${spec.roleName}`);
    expect(names.personaRoleName(persona)).toBe(roles[id].name);
    expect(dev.output!.sagemaker_role_arns.value[spec.output]).toBe(`\${aws_iam_role.${id}.arn}`);
    expect(roles[id].description).toBe(spec.description);
    // The example names a permission set for it; leaving it out is refused.
    const raw = exampleInput() as any;
    delete raw.accounts.dev.sagemaker.identity.permissionSets[persona];
    expect(platformConfigSchema.safeParse(raw).success).toBe(false);
  });

  test("the build duty has every persona but the approver", () => {
    expect(personasOf("build")).toEqual(["dataScientist", "teamAdmin", "admin"]);
    expect(personasOf("approve")).toEqual(["modelApprover"]);
  });
});
