import ipaddr from "ipaddr.js";

/** AWS allows VPC and subnet blocks from /16 (largest) to /28 (smallest). */
export const AWS_LARGEST_PREFIX = 16;
export const AWS_SMALLEST_PREFIX = 28;

/** A parsed IPv4 block, as integer bounds so blocks can be compared and carved. */
export interface Ipv4Block {
  readonly cidr: string;
  readonly prefix: number;
  /** First address as an unsigned 32-bit integer. */
  readonly start: number;
  /** Number of addresses. */
  readonly size: number;
}

export type ParseResult = { block: Ipv4Block } | { problem: string };

function toInt(address: ipaddr.IPv4): number {
  return address.octets.reduce((acc, octet) => acc * 256 + octet, 0);
}

function toDotted(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

/**
 * Parses `cidr` as a private (RFC 1918) IPv4 network block that AWS accepts for a VPC.
 * Strict: four decimal parts, the network address itself (no host bits), /16 to /28.
 */
export function parsePrivateVpcBlock(cidr: string): ParseResult {
  const [address, prefixText, ...rest] = cidr.split("/");
  if (
    rest.length > 0 ||
    prefixText === undefined ||
    !/^\d{1,2}$/.test(prefixText) ||
    !ipaddr.IPv4.isValidFourPartDecimal(address)
  ) {
    return { problem: "must be an IPv4 CIDR block such as 10.10.0.0/16" };
  }
  const prefix = Number(prefixText);
  if (prefix < AWS_LARGEST_PREFIX || prefix > AWS_SMALLEST_PREFIX) {
    return {
      problem: `must have a prefix length from /${AWS_LARGEST_PREFIX} to /${AWS_SMALLEST_PREFIX} (the VPC sizes AWS allows)`,
    };
  }
  const parsed = ipaddr.IPv4.parse(address);
  if (parsed.range() !== "private") {
    return {
      problem:
        "must be a private block inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 (RFC 1918)",
    };
  }
  const size = 2 ** (32 - prefix);
  const start = toInt(parsed);
  if (start % size !== 0) {
    const network = `${toDotted(start - (start % size))}/${prefix}`;
    return { problem: `has host bits set; the network block is ${network}` };
  }
  return { block: { cidr, prefix, start, size } };
}

export function blocksOverlap(a: Ipv4Block, b: Ipv4Block): boolean {
  return a.start < b.start + b.size && b.start < a.start + a.size;
}

/** How many blocks of prefix `subnetPrefix` fit in `block`. */
export function subnetCapacity(block: Ipv4Block, subnetPrefix: number): number {
  return subnetPrefix < block.prefix ? 0 : 2 ** (subnetPrefix - block.prefix);
}

/** The `index`th block of prefix `subnetPrefix` inside `block` (Terraform's `cidrsubnet`). */
export function carveSubnet(block: Ipv4Block, subnetPrefix: number, index: number): string {
  const capacity = subnetCapacity(block, subnetPrefix);
  if (!Number.isInteger(index) || index < 0 || index >= capacity) {
    throw new RangeError(
      `subnet ${index} of /${subnetPrefix} does not fit in ${block.cidr} (room for ${capacity})`,
    );
  }
  const size = 2 ** (32 - subnetPrefix);
  return `${toDotted(block.start + index * size)}/${subnetPrefix}`;
}
