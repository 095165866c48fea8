import {
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  loadPlatformConfig,
  placeholderProblems,
  parsePlatformConfig,
  PlatformConfigError,
  readConfigFile,
} from "../../../accounts/config/loader";
import { exampleInput, FIXTURES } from "../../helpers";

const CONFIGS = join(FIXTURES, "configs");

function problemsOf(path: string): readonly string[] {
  try {
    loadPlatformConfig({ PLATFORM_CONFIG: path });
  } catch (error) {
    if (error instanceof PlatformConfigError) return error.problems;
    throw error;
  }
  throw new Error(`${path} was accepted`);
}

describe("bad config fixtures", () => {
  // Each bad fixture and the exact lines it must print: field path, value, what is allowed.
  const expected: Record<string, string[]> = {
    "short-account-id.yaml": [
      'accounts.dev.accountId: "11111111111" must be a 12-digit AWS account id, as a string (quote it in YAML)',
    ],
    "unquoted-account-id.yaml": [
      "accounts.dev.accountId: 111111111111 must be a string, not a number; quote it",
    ],
    "unknown-region.yaml": [
      'region: "eu-west-9" must be an AWS region code that AWS publishes, such as eu-west-1 or us-east-1',
    ],
    "misspelled-key.yaml": [
      "accounts.staging.accountId: is required",
      'accounts.staging: unknown key "acountId" (did you mean "accountId"?); allowed keys: type, dataScienceAccount, accountId, deployRoleName, vpc, sagemakerQuotas, buckets, deployment',
    ],
    "public-cidr.yaml": [
      'accounts.staging.vpc.cidr: "8.8.0.0/16" must be a private block inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 (RFC 1918)',
    ],
    "overlapping-cidr.yaml": [
      'accounts.staging.vpc.cidr: "10.10.128.0/17" overlaps accounts.dev.vpc.cidr 10.10.0.0/16; VPC blocks must not overlap so the accounts can be connected later',
    ],
    "cidr-too-small.yaml": [
      'accounts.staging.vpc.cidr: "10.20.0.0/28" is too small for 2 subnets of /28 (room for 1); use a larger block or a longer subnetPrefixLength',
    ],
    "cidr-host-bits.yaml": [
      'accounts.staging.vpc.cidr: "10.20.0.1/16" has host bits set; the network block is 10.20.0.0/16',
    ],
    "too-many-zones.yaml": [
      "accounts.staging.vpc.availabilityZones: 5 must be a whole number from 2 to 4",
    ],
    "zone-of-other-region.yaml": [
      'accounts.staging.vpc.availabilityZones[0]: "us-east-1a" must be a zone of the platform region eu-west-1, such as eu-west-1a',
      'accounts.staging.vpc.availabilityZones[1]: "us-east-1b" must be a zone of the platform region eu-west-1, such as eu-west-1a',
    ],
    "prefix-too-long.yaml": [
      'prefix: "machine-learning-plat" must be at most 20 characters',
      'accounts.staging: gives the bucket name "machine-learning-plat-staging-access-logs-222222222222-eu-west-1", which is 64 characters; S3 bucket names are 3 to 63; shorten prefix or the account name',
    ],
    "bucket-name-too-long.yaml": [
      'accounts.staging-europe: gives the bucket name "machine-learning-pl-staging-europe-access-logs-222222222222-eu-west-1", which is 69 characters; S3 bucket names are 3 to 63; shorten prefix or the account name',
      'accounts.staging-europe: gives the bucket name "machine-learning-pl-staging-europe-tfstate-222222222222-eu-west-1", which is 65 characters; S3 bucket names are 3 to 63; shorten prefix or the account name',
    ],
    "two-data-science-accounts.yaml": [
      'accounts: must have exactly one account of type "data-science"; found 2 (dev, staging)',
    ],
    "unknown-data-science-account.yaml": [
      'accounts.staging.dataScienceAccount: "research" must name the data science account (dev)',
    ],
    "unknown-account-type.yaml": [
      'accounts.staging.type: "training" must be "data-science" or "deployment-target"',
    ],
    "reserved-account-name.yaml": [
      'accounts.staging-bootstrap: the name "staging-bootstrap" must not end with "-bootstrap" (reserved for bootstrap stack ids)',
    ],
    "uppercase-account-name.yaml": [
      'accounts.Staging: the name "Staging" must be lowercase letters and digits in hyphen-separated words, starting with a letter (an account name is a stack id and part of bucket names)',
    ],
    "reserved-tag.yaml": [
      'tags.environment: "production" is set by the platform on every resource; reserved tag keys: project, environment, managed-by',
    ],
    "unknown-locking.yaml": ['state.locking: "consul" must be "lockfile" or "dynamodb"'],
    "nat-with-existing-vpc.yaml": [
      'accounts.staging.vpc.natGateways: "single" cannot be used with vpc.existing: an existing VPC keeps its own subnets and gateways; remove it or vpc.existing',
    ],
    "unmanaged-default-group-new-vpc.yaml": [
      "accounts.dev.vpc.manageDefaultSecurityGroup: false must be true for a VPC the platform creates (its default group is always emptied); false is only for vpc.existing, whose workloads may still use their default group",
    ],
    "unknown-interface-endpoint.yaml": [
      'accounts.staging.vpc.interfaceEndpoints[1]: "sagemaker.apii" must be one of sagemaker.api, sagemaker.runtime, sagemaker.studio, sagemaker.notebook, sagemaker.experiments, sts, logs, monitoring, ssm, ssmmessages, ec2messages, kms, ecr.api, ecr.dkr, servicecatalog, secretsmanager, codeartifact.api, codeartifact.repositories',
    ],
    "flow-log-retention.yaml": [
      "accounts.staging.vpc.flowLogRetentionDays: 100 must be a CloudWatch Logs retention of a year or more: 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
    ],
    "cidr-too-small-for-nat.yaml": [
      'accounts.staging.vpc.cidr: "10.20.0.0/27" is too small for 4 subnets (private and public, for NAT) of /28 (room for 2); use a larger block or a longer subnetPrefixLength',
    ],
    "lifecycle-out-of-order.yaml": [
      "accounts.dev.buckets.data.transitions: glacierDays (60) must be at least 30 days after standardIaDays (90); S3 keeps objects in STANDARD_IA for 30 days before moving them on",
    ],
    "lifecycle-archive-after-expiry.yaml": [
      "accounts.dev.buckets.data.noncurrentVersionArchiveDays: 60 must be less than noncurrentVersionExpirationDays (60); S3 refuses an expiration that is not after the transition",
      'accounts.dev.buckets.mlflow.transitions: "glacier" must be "intelligent-tiering", false, or a mapping of standardIaDays, glacierInstantRetrievalDays, glacierDays, deepArchiveDays',
    ],
    "unknown-access-level.yaml": [
      'accounts.dev.datasetAccess[0].access: "admin" must be "read-only" or "read-write"',
    ],
    "dataset-other-account-without-origin.yaml": [
      "accounts.dev.datasetAccess[0].from: is required for arn:aws:iam::999999999999:role/flyte-workers, a role of another account: list the S3 VPC endpoints or VPCs its requests come from (this account's endpoint is not in its network)",
    ],
    "dataset-origin-invalid.yaml": [
      'accounts.dev.datasetAccess[1].from.vpcIds[0]: "vpc-12345" must be a VPC id such as vpc-0a1b2c3d4e5f60718',
      "accounts.dev.datasetAccess[3].from.vpcEndpointIds: must list at least one id (or leave the field out)",
      "accounts.dev.datasetAccess[0].from.vpcEndpointIds: lists vpce-0a1b2c3d4e5f60718 twice; list each id once",
      'accounts.dev.datasetAccess[1].principal: "arn:aws-cn:iam::999999999999:role/flyte-workers" must be a role in the platform\'s partition (arn:aws:iam::...)',
      "accounts.dev.datasetAccess[2].from: needs vpcEndpointIds or vpcIds: where the consumer's requests come from",
      // IAM role names are case-insensitive: ARGO is argo.
      "accounts.dev.datasetAccess[3]: grants ARGO the data bucket again (see datasetAccess[2]); list all its prefixes in one entry",
    ],
    "dataset-prefix-without-slash.yaml": [
      'accounts.dev.datasetAccess[0].prefixes[0]: "datasets" must be path segments each ending in "/", such as "datasets/", of letters, digits and ! _ . \' ( ) - (no "*": a policy would read it as a wildcard)',
    ],
    "dataset-prefix-wildcard.yaml": [
      'accounts.dev.datasetAccess[0].prefixes[0]: "datasets*/" must be path segments each ending in "/", such as "datasets/", of letters, digits and ! _ . \' ( ) - (no "*": a policy would read it as a wildcard)',
    ],
    "duplicate-key.yaml": [
      'not valid YAML: the key "prefix" is repeated in one mapping at line 15, column 1; keys must be unique',
    ],
    "proto-tag-key.json": [
      'tags: the key "__proto__" is reserved (a JavaScript object internal); rename it',
    ],
    "constructor-account.yaml": [
      'accounts: the key "constructor" is reserved (a JavaScript object internal); rename it',
    ],
    "tostring-environment.yaml": [
      'ci.github.environments: the key "toString" is reserved (a JavaScript object internal); rename it',
    ],
    "duplicate-account.json": [
      'not valid JSON: the key "research" is repeated in one mapping at line 6, column 5; keys must be unique',
    ],
    "escape-sequence-key.yaml": [
      'tags: the key "team\\u001b[31m" holds control or invisible formatting characters; rename it',
    ],
    "newline-in-value.yaml": [
      'prefix: "ml\\n  accounts.research: forged line" must be lowercase letters and digits in hyphen-separated words, starting with a letter (it starts every bucket name)',
    ],
    "utf16.yaml": ["is UTF-16 or UTF-32 encoded (or binary); save it as UTF-8"],
    "invalid-utf8.yaml": ["is not valid UTF-8 (at byte 84); save it as UTF-8"],
    "merge-key.yaml": [
      "accounts.staging: YAML merge keys (<<) are not supported; write the keys out in full",
    ],
    "custom-tag.yaml": ["not valid YAML: Unresolved tag: !Ref at line 2, column 9"],
    "alias-bomb.yaml": [
      "not valid YAML: Excessive alias count indicates a resource exhaustion attack",
    ],
    "deep-nesting.json": [
      "tags.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a: nested deeper than 32 levels",
    ],
    "wildcard-persona-arn.yaml": [
      'accounts.research.sagemaker.identity.dataScientist[0]: "arn:aws:iam::123456789012:role/*" must be an exact role ARN (arn:aws:iam::<account>:role/<name>), no wildcards',
    ],
    "data-key-other-region.yaml": [
      'accounts.research.dataKeyArn: "arn:aws:kms:eu-west-2:210987654321:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b" names region "eu-west-2" (the platform\'s is "us-east-1") and account 210987654321 (this account is 123456789012)',
    ],
    "persona-arn-other-partition.yaml": [
      'accounts.research.sagemaker.identity.dataScientist[0]: "arn:aws-cn:iam::123456789012:role/data-scientists" names partition "aws-cn" (the platform\'s is "aws")',
    ],
    "subnets-too-small-for-endpoints.yaml": [
      "accounts.research.vpc.subnetPrefixLength: 28 gives private subnets of /28 with 11 usable addresses, but each holds 17 interface endpoints and up to 8 other network interfaces (25); use a shorter subnetPrefixLength, a larger cidr, or fewer interfaceEndpoints",
    ],
    "too-many-tags.json": [
      "tags: has 46 tags; AWS allows 50 per resource and the platform sets up to 5 itself (project, environment, managed-by, Name and one of the resource's own), so at most 45",
    ],
    "two-role-names-differ-by-case.yaml": [
      "accounts.research: would create IAM role ml-research-user-alice in account 123456789012, which accounts.research also creates as ml-research-user-Alice (IAM role names are unique regardless of case); rename a Studio user profile",
    ],
    "proto-account-name.yaml": [
      'accounts: the key "__proto__" is reserved (a JavaScript object internal); rename it',
    ],
    "hasownproperty-tag.yaml": [
      'tags: the key "hasOwnProperty" is reserved (a JavaScript object internal); rename it',
    ],
    "bidi-override-in-prefix.yaml": [
      'prefix: "ml\\u202eved" must be lowercase letters and digits in hyphen-separated words, starting with a letter (it starts every bucket name)',
    ],
    "empty.yaml": ["is empty; a platform config is a mapping with prefix, region and accounts"],
    "top-level-list.json": [
      "(top level): must be a mapping with prefix, region, accounts and optionally tags, deployRoleName, state, ci, not a list",
    ],
    "accounts-as-list.yaml": ["accounts: must be a mapping, not a list"],
    "user-profile-as-name.yaml": [
      'accounts.research.sagemaker.domains[0].userProfiles[0]: "alice" must be a mapping with name, persona and optionally dedicatedExecutionRole, ssoUserName, not a string',
    ],
    "json-with-comments.json": ["not valid JSON: Expected property name or '}' (line 2, column 3)"],
    "trailing-comma.json": [
      "not valid JSON: Expected double-quoted property name (line 1, column 40)",
    ],
    "thirteen-digit-account-id.yaml": [
      'accounts.research.accountId: "1234567890123" must be a 12-digit AWS account id, as a string (quote it in YAML)',
    ],
    "reserved-tag-other-case.yaml": [
      'tags.Project: "mine" is set by the platform on every resource; reserved tag keys: project, environment, managed-by',
    ],
    "fractional-zone-count.yaml": [
      "accounts.research.vpc.availabilityZones: 2.5 must be a number of zones from 2 to 4, or a list of 2 to 4 zone names such as [eu-west-1a, eu-west-1b]",
    ],
    "homoglyph-account-name.yaml": [
      'accounts.rеsearch: the name "rеsearch" must be lowercase letters and digits in hyphen-separated words, starting with a letter (an account name is a stack id and part of bucket names)',
    ],
    "cidr-with-space.yaml": [
      'accounts.research.vpc.cidr: " 10.0.0.0/16" must be an IPv4 CIDR block such as 10.10.0.0/16',
    ],
    "uppercase-region.yaml": [
      'region: "US-EAST-1" must be an AWS region code that AWS publishes, such as eu-west-1 or us-east-1',
    ],
    "persona-arn-question-mark.yaml": [
      'accounts.research.sagemaker.identity.dataScientist[0]: "arn:aws:iam::123456789012:role/data-scientist?" must be an exact role ARN (arn:aws:iam::<account>:role/<name>), no wildcards',
    ],
    "dataset-principal-wildcard.yaml": [
      'accounts.research.datasetAccess[0].principal: "arn:aws:iam::123456789012:role/*" must be an IAM role name or an exact role ARN (arn:aws:iam::<account>:role/<name>), no wildcards',
    ],
    "secret-other-partition.yaml": [
      'accounts.research.mlflow.databaseSecretArn: "arn:aws-us-gov:secretsmanager:us-east-1:123456789012:secret:mlflow-db-AbCdEf" names partition "aws-us-gov" (the platform\'s is "aws")',
    ],
    "tag-value-too-long.yaml": [
      'tags.team: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx... must be at most 256 letters, digits, spaces or _ . : / = + - @',
    ],
    "tab-indentation.yaml": [
      "not valid YAML: Tabs are not allowed as indentation at line 4, column 1",
      "not valid YAML: Tabs are not allowed as indentation at line 5, column 1",
    ],
    "two-yaml-documents.yaml": [
      "not valid YAML: it holds more than one document (a second ---); a platform config is one",
    ],
    "nul-byte.json": ["is UTF-16 or UTF-32 encoded (or binary); save it as UTF-8"],
    "bucket-name-one-over.yaml": [
      'accounts.abcdefgh: gives the bucket name "abcdefghijklmnopqrst-abcdefgh-access-logs-123456789012-us-east-1", which is 64 characters; S3 bucket names are 3 to 63; shorten prefix or the account name',
    ],
    "user-role-matches-target-pattern.yaml": [
      "accounts.dev: would create IAM role mlops-dev-user-shadow-model-execution in account 111111111111, matching mlops-*-model-execution, the pattern policies use to name accounts.staging's model roles; rename the account or the Studio user profile",
    ],
    "account-name-under-user-pattern.yaml": [
      "accounts.dev-user-ops: would create IAM role mlops-dev-user-ops-model-execution and 4 more of its roles in account 111111111111, matching mlops-dev-user-*, the pattern policies use to name accounts.dev's Studio user roles; rename the account or the Studio user profile",
    ],
    "invalid-json.json": [
      "not valid JSON: Expected double-quoted property name (line 1, column 45)",
    ],
  };

  test("every bad fixture has its expected messages", () => {
    const files = readdirSync(join(CONFIGS, "bad")).filter((f) => !f.endsWith(".txt"));
    expect(files.sort()).toEqual(Object.keys(expected).sort());
  });

  test.each(Object.entries(expected))("%s is rejected with its messages", (file, lines) => {
    expect(problemsOf(join(CONFIGS, "bad", file))).toEqual(lines);
  });

  test("a file that is neither JSON nor YAML is rejected by name", () => {
    const path = join(CONFIGS, "bad", "wrong-extension.txt");
    expect(problemsOf(path)).toEqual([
      `PLATFORM_CONFIG: "${path}" must end in .json, .yaml or .yml`,
    ]);
  });

  describe("unusual input", () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "unusual-"))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
    const write = (name: string, content: string | Buffer) => {
      writeFileSync(join(dir, name), content);
      return join(dir, name);
    };

    test("a file over 256 KiB is refused before it is parsed; 256 KiB itself is read", () => {
      const big = write("big.json", `{"prefix":"${"x".repeat(262_145 - 13)}"}`);
      expect(problemsOf(big)).toEqual([
        "is 262145 bytes; a platform config is at most 262144 bytes",
      ]);
      // Exactly the cap, in lines of the allowed length, is read and parsed.
      const head = `{"prefix":"${"x".repeat(1000)}"`;
      const limit = write("limit.json", `${head}${"\n".repeat(262_144 - head.length - 1)}}`);
      expect(problemsOf(limit)[0]).toBe(
        `prefix: "${"x".repeat(76)}... must be at most 20 characters`,
      );
    });

    test("a huge sparse file is refused by its size, and an endless one after the cap, quickly", () => {
      const sparse = join(dir, "sparse.yaml");
      writeFileSync(sparse, "");
      truncateSync(sparse, 1_200_000_000);
      const before = process.memoryUsage().rss;
      expect(problemsOf(sparse)).toEqual([
        "is 1200000000 bytes; a platform config is at most 262144 bytes",
      ]);
      expect(process.memoryUsage().rss - before).toBeLessThan(50_000_000);
      const endless = join(dir, "zero.yaml");
      symlinkSync("/dev/zero", endless);
      const started = Date.now();
      expect(problemsOf(endless)).toEqual([
        "is more than 262144 bytes; a platform config is at most 262144 bytes",
      ]);
      expect(Date.now() - started).toBeLessThan(2000);
    });

    test("one long line of bad YAML is refused before the parser, in bounded time", () => {
      const line = "a: [b: {c: ][".repeat(7_500); // 97,500 characters of errors on one line
      const started = Date.now();
      expect(problemsOf(write("long.yaml", `prefix: ml\n${line}\n`))).toEqual([
        "line 2 is 97500 characters long; a platform config's lines are at most 4096",
      ]);
      expect(Date.now() - started).toBeLessThan(1000);
      // A line of exactly the cap is fine (it fails later, on its content).
      const ok = problemsOf(write("cap.yaml", `prefix: ${"x".repeat(4096 - 8)}\n`));
      expect(ok[0]).toMatch(/^prefix: "x+\.\.\. must be at most 20 characters$/);
    });

    test("many YAML errors: the first five and a count, not a flood", () => {
      const bad = Array.from({ length: 400 }, (_, i) => `k${i}: v: w`).join("\n");
      const problems = problemsOf(write("flood.yaml", bad));
      expect(problems).toHaveLength(6);
      expect(problems[5]).toMatch(
        /^\.\.\. and \d+ more problems of the same file; fix the ones above first$/,
      );
    });

    test("a huge unknown key is shown cut to 80 characters, with its length", () => {
      const file = write(
        "long-key.json",
        JSON.stringify({ ...exampleInput(), [`x${"y".repeat(4_000)}`]: 1 }, null, 1),
      );
      const [line] = problemsOf(file);
      expect(line.length).toBeLessThan(400);
      expect(line).toContain(`unknown key "x${"y".repeat(76)}... (4001 characters)"`);
    });

    test("a duplicate key in JSON is refused, at any depth; YAML refuses it too", () => {
      expect(problemsOf(write("dup.json", '{"prefix": "a",\n "prefix": "b"}'))).toEqual([
        'not valid JSON: the key "prefix" is repeated in one mapping at line 2, column 2; keys must be unique',
      ]);
    });

    test("brackets nested past any config are refused by a scan, before a parser recurses", () => {
      const deep = write("deep.json", `${"[".repeat(65)}${"]".repeat(65)}`);
      expect(problemsOf(deep)).toEqual([
        "line 1, column 65: brackets nest deeper than 64 levels there; a platform config nests at most 32",
      ]);
      const deepLater = write("deep-later.yaml", `prefix: ml\ntags: ${"[".repeat(70)}\n`);
      expect(problemsOf(deepLater)).toEqual([
        "line 2, column 71: brackets nest deeper than 64 levels there; a platform config nests at most 32",
      ]);
      const quoted = write("quoted.json", JSON.stringify({ prefix: "[".repeat(100) }));
      expect(problemsOf(quoted)[0]).toMatch(/^prefix: /); // brackets inside a string are text
    });

    test("a key repeated at the end of 12,000 keys is found, with its line", () => {
      const tags = Array.from({ length: 12_000 }, (_, i) => `  t${i}: v`).join("\n");
      const file = write(
        "wide.yaml",
        `prefix: ml\nregion: us-east-1\ntags:\n${tags}\n  t7: again\n`,
      );
      expect(problemsOf(file)).toEqual([
        'not valid YAML: the key "t7" is repeated in one mapping at line 12004, column 3; keys must be unique',
      ]);
    });

    test.each([
      ["zero-width space", "\u200b", "\\u200b"],
      ["zero-width joiner", "\u200d", "\\u200d"],
      ["word joiner", "\u2060", "\\u2060"],
      ["invisible separator", "\u2063", "\\u2063"],
      ["Arabic letter mark", "\u061c", "\\u061c"],
      ["soft hyphen", "\u00ad", "\\u00ad"],
      ["tag character", "\u{e0041}", "\\u{e0041}"],
    ])("a key holding a %s is refused, the character shown escaped", (_, char, shown) => {
      const input = exampleInput() as any;
      input.tags = { [`team${char}`]: "ml" };
      const file = write("invisible.json", JSON.stringify(input));
      expect(problemsOf(file)).toEqual([
        `tags: the key "team${shown}" holds control or invisible formatting characters; rename it`,
      ]);
    });

    test("control characters are escaped in every line, so none can forge another", () => {
      const file = write(
        "forge.json",
        JSON.stringify({ ...exampleInput(), prefix: "a\u001b[2K\r\u0085\u202eb" }),
      );
      for (const line of problemsOf(file)) {
        expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
      }
      expect(problemsOf(file)[0]).toContain("\\u001b[2K\\r");
    });
  });

  test("platform.yaml at the repository root is the team's config; PLATFORM_CONFIG overrides it", () => {
    const dir = mkdtempSync(join(tmpdir(), "repo-"));
    try {
      expect(loadPlatformConfig({}, dir).source).toBe("accounts/config/example.ts");
      writeFileSync(
        join(dir, "platform.yaml"),
        'prefix: team\nregion: eu-west-1\naccounts:\n  dev:\n    type: data-science\n    accountId: "444455556666"\n    vpc: { cidr: 10.0.0.0/16 }\n',
      );
      const team = loadPlatformConfig({}, dir);
      expect([team.source, team.config.prefix]).toEqual(["platform.yaml", "team"]);
      const other = join(CONFIGS, "good", "minimal.yaml");
      expect(loadPlatformConfig({ PLATFORM_CONFIG: other }, dir).source).toBe(other);
      // A broken platform.yaml is an error naming it, never a silent fall back to the example.
      writeFileSync(join(dir, "platform.yaml"), "prefix: [\n");
      expect(() => loadPlatformConfig({}, dir)).toThrow(/platform\.yaml/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("the example and its placeholder account ids are refused for plan and apply", () => {
    const example = loadPlatformConfig({}, tmpdir());
    expect(placeholderProblems(example.config, example.source)).toEqual([
      "the platform config is the example (accounts/config/example.ts), whose accounts are placeholders: put your config in platform.yaml at the repository root, or name it with PLATFORM_CONFIG",
    ]);
    const copied = loadPlatformConfig({ PLATFORM_CONFIG: join(CONFIGS, "good", "full.yaml") });
    expect(placeholderProblems(copied.config, "platform.yaml")).toEqual([
      'platform.yaml: accounts.dev.accountId "111111111111" is a placeholder of the example; set the real account id',
      'platform.yaml: accounts.staging.accountId "222222222222" is a placeholder of the example; set the real account id',
      'platform.yaml: accounts.prod.accountId "333333333333" is a placeholder of the example; set the real account id',
    ]);
    const real = loadPlatformConfig({ PLATFORM_CONFIG: join(CONFIGS, "good", "minimal.yaml") });
    expect(placeholderProblems(real.config, real.source)).toEqual([]);
  });

  test("a JSON syntax error names its line and column, the same on every Node version", () => {
    const dir = mkdtempSync(join(tmpdir(), "config-"));
    try {
      const path = join(dir, "platform.json");
      writeFileSync(path, '{\n  "prefix": "ml",\n  "region": "eu-west-1",\n}\n');
      expect(problemsOf(path)).toEqual([
        "not valid JSON: Expected double-quoted property name (line 4, column 1)",
      ]);
      writeFileSync(path, '{ "prefix": ');
      expect(problemsOf(path)).toEqual(["not valid JSON: Unexpected end of JSON input"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a missing file is named", () => {
    expect(() => readConfigFile("/nonexistent/platform.yaml")).toThrow(
      /cannot read "\/nonexistent\/platform.yaml"/,
    );
  });

  test("the error message lists one line per problem", () => {
    const input = exampleInput() as any;
    input.accounts.dev.accountId = "abc";
    input.region = "mars-1";
    input.accounts.prod.vpc.cidrr = "10.0.0.0/16";
    let error: PlatformConfigError | undefined;
    try {
      parsePlatformConfig(input, "my-config.yaml");
    } catch (e) {
      error = e as PlatformConfigError;
    }
    expect(error).toBeInstanceOf(PlatformConfigError);
    expect(error!.problems).toHaveLength(3);
    expect(error!.message.split("\n")).toEqual([
      "my-config.yaml: invalid platform config",
      ...error!.problems.map((p) => `  ${p}`),
    ]);
  });
});
