/**
 * The price table the cost estimate uses: AWS's public on-demand list prices in USD, by region,
 * for the fixed-price resources the platform creates, and the usage prices it lists as
 * assumptions. `npm run refresh-prices` re-reads them from AWS's public price list files
 * (https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/index.json) where the network allows,
 * and rewrites the `regions` part of this file with the date it did.
 *
 * A region not in the table is estimated with us-east-1's prices, and the estimate says so; a
 * resource size not in the table is listed as unpriced, never guessed.
 */

export interface RegionPrices {
  /** An interface endpoint in one zone, per hour (AWS PrivateLink). */
  readonly interfaceEndpointZoneHour: number;
  /** A NAT gateway, per hour. */
  readonly natGatewayHour: number;
  /** A public IPv4 address (the NAT gateways' Elastic IPs), per hour. */
  readonly publicIpv4Hour: number;
  /** EC2 on-demand Linux, shared tenancy, per hour, by instance type. */
  readonly ec2Hour: Readonly<Record<string, number>>;
  /** EBS gp3 storage, per GB-month (instance root volumes). */
  readonly ebsGp3GbMonth: number;
  /** RDS for PostgreSQL, Single-AZ, per hour, by instance class (Multi-AZ is twice). */
  readonly rdsPostgresHour: Readonly<Record<string, number>>;
  /** RDS gp3 storage, Single-AZ, per GB-month (Multi-AZ is twice). */
  readonly rdsGp3GbMonth: number;
  /** SageMaker managed MLflow tracking servers, per hour, by size. */
  readonly mlflowTrackingServerHour: Readonly<Record<string, number>>;
  /** A customer managed KMS key, per month. */
  readonly kmsKeyMonth: number;
  /** A Secrets Manager secret, per month. */
  readonly secretMonth: number;
  /** A Route 53 hosted zone, per month. */
  readonly hostedZoneMonth: number;
}

export interface UsagePrice {
  readonly what: string;
  readonly price: string;
  /** Resource types whose presence in a stack makes the charge apply. */
  readonly resourceTypes: readonly string[];
}

/** When the regional prices were read (`npm run refresh-prices` rewrites it). */
export const PRICES_AS_OF = "2026-12-06";

/** The regional prices (`npm run refresh-prices` rewrites this table). */
export const PRICE_REGIONS: Readonly<Record<string, RegionPrices>> = {
  "us-east-1": {
    interfaceEndpointZoneHour: 0.01,
    natGatewayHour: 0.045,
    publicIpv4Hour: 0.005,
    ec2Hour: {
      "t3.micro": 0.0104,
      "t3.small": 0.0208,
      "t3.medium": 0.0416,
      "t3.large": 0.0832,
      "t3.xlarge": 0.1664,
      "m5.large": 0.096,
    },
    ebsGp3GbMonth: 0.08,
    rdsPostgresHour: {
      "db.t4g.micro": 0.016,
      "db.t4g.small": 0.032,
      "db.t4g.medium": 0.065,
      "db.t4g.large": 0.129,
      "db.t3.micro": 0.018,
      "db.t3.small": 0.036,
      "db.t3.medium": 0.072,
      "db.t3.large": 0.145,
    },
    rdsGp3GbMonth: 0.115,
    mlflowTrackingServerHour: {},
    kmsKeyMonth: 1,
    secretMonth: 0.4,
    hostedZoneMonth: 0.5,
  },
  "eu-west-1": {
    interfaceEndpointZoneHour: 0.011,
    natGatewayHour: 0.048,
    publicIpv4Hour: 0.005,
    ec2Hour: {
      "t3.micro": 0.0114,
      "t3.small": 0.0228,
      "t3.medium": 0.0456,
      "t3.large": 0.0912,
      "t3.xlarge": 0.1824,
      "m5.large": 0.107,
    },
    ebsGp3GbMonth: 0.088,
    rdsPostgresHour: {
      "db.t4g.micro": 0.018,
      "db.t4g.small": 0.036,
      "db.t4g.medium": 0.072,
      "db.t4g.large": 0.144,
      "db.t3.micro": 0.02,
      "db.t3.small": 0.04,
      "db.t3.medium": 0.08,
      "db.t3.large": 0.16,
    },
    rdsGp3GbMonth: 0.127,
    mlflowTrackingServerHour: {},
    kmsKeyMonth: 1,
    secretMonth: 0.4,
    hostedZoneMonth: 0.5,
  },
  "eu-central-1": {
    interfaceEndpointZoneHour: 0.012,
    natGatewayHour: 0.052,
    publicIpv4Hour: 0.005,
    ec2Hour: {
      "t3.micro": 0.012,
      "t3.small": 0.024,
      "t3.medium": 0.048,
      "t3.large": 0.096,
      "t3.xlarge": 0.192,
      "m5.large": 0.115,
    },
    ebsGp3GbMonth: 0.0952,
    rdsPostgresHour: {
      "db.t4g.micro": 0.019,
      "db.t4g.small": 0.037,
      "db.t4g.medium": 0.074,
      "db.t4g.large": 0.148,
      "db.t3.micro": 0.021,
      "db.t3.small": 0.041,
      "db.t3.medium": 0.082,
      "db.t3.large": 0.164,
    },
    rdsGp3GbMonth: 0.137,
    mlflowTrackingServerHour: {},
    kmsKeyMonth: 1,
    secretMonth: 0.4,
    hostedZoneMonth: 0.5,
  },
};
// End of PRICE_REGIONS.

export const PRICES = {
  /** When the prices were read, and from where; the estimate and the PR comment show it. */
  asOf: PRICES_AS_OF,
  basis:
    "AWS public on-demand list prices (pricing pages of PrivateLink, VPC, EC2, EBS, RDS, KMS, Secrets Manager, Route 53), written by hand; npm run refresh-prices re-reads AWS's price list files",
  sources: [
    "https://aws.amazon.com/privatelink/pricing/",
    "https://aws.amazon.com/vpc/pricing/",
    "https://aws.amazon.com/ec2/pricing/on-demand/",
    "https://aws.amazon.com/ebs/pricing/",
    "https://aws.amazon.com/rds/postgresql/pricing/",
    "https://aws.amazon.com/kms/pricing/",
    "https://aws.amazon.com/secrets-manager/pricing/",
    "https://aws.amazon.com/route53/pricing/",
    "https://aws.amazon.com/sagemaker/pricing/",
  ],
  hoursPerMonth: 730,
  /** The region whose prices stand in for a region not in the table. */
  fallbackRegion: "us-east-1",
  regions: PRICE_REGIONS,
  /** Charges by use: listed with the price, not estimated (the platform cannot know the use). */
  usage: [
    {
      what: "data through interface endpoints",
      price: "$0.01 per GB (first PB per region)",
      resourceTypes: ["aws_vpc_endpoint"],
    },
    {
      what: "data through NAT gateways",
      price: "$0.045 per GB in us-east-1 (more in most regions)",
      resourceTypes: ["aws_nat_gateway"],
    },
    {
      what: "KMS requests",
      price: "$0.03 per 10,000 (S3 Bucket Keys keep them few)",
      resourceTypes: ["aws_kms_key"],
    },
    {
      what: "CloudWatch Logs (flow logs, the trail's log group, containers)",
      price: "$0.50 per GB ingested, $0.03 per GB-month stored, in us-east-1",
      resourceTypes: ["aws_cloudwatch_log_group"],
    },
    {
      what: "S3 storage and requests",
      price: "$0.023 per GB-month (Standard; Intelligent-Tiering moves cold objects lower)",
      resourceTypes: ["aws_s3_bucket"],
    },
    {
      what: "CloudTrail data events (object reads and writes of the data buckets)",
      price: "$0.10 per 100,000 events; management events: the first copy is free",
      resourceTypes: ["aws_cloudtrail"],
    },
    {
      what: "AWS Config",
      price: "$0.003 per configuration item recorded, $0.001 per rule evaluation",
      resourceTypes: ["aws_config_config_rule"],
    },
    {
      what: "SNS deliveries of alerts",
      price: "$2 per 100,000 emails; HTTPS $0.60 per million",
      resourceTypes: ["aws_sns_topic"],
    },
    {
      what: "SageMaker Studio apps, training, processing and endpoints",
      price: "per instance-hour of what people and pipelines run (SageMaker pricing page)",
      // Every account stack has the workload security group SageMaker's instances use.
      resourceTypes: ["aws_security_group"],
    },
    {
      what: "the Studio home file system (EFS)",
      price: "$0.30 per GB-month in us-east-1",
      resourceTypes: ["aws_sagemaker_domain"],
    },
    {
      what: "CodeArtifact",
      price: "$0.05 per GB-month stored, $0.05 per 10,000 requests",
      resourceTypes: ["aws_codeartifact_repository"],
    },
  ] as readonly UsagePrice[],
};
