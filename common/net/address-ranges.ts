/** IPv4 text ↔ number, for ranges that are walked and compared as integers. */
export function ipToNumber(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`"${ip}" is not an IPv4 address`);
  return parts.reduce((n, p) => n * 256 + p, 0);
}

export function numberToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/** A contiguous range of integers: addresses of a CIDR, or node ports. */
export interface NumberRange {
  first: number;
  /** How many numbers the range holds. */
  size: number;
}

export function inRange(range: NumberRange, n: number): boolean {
  return n >= range.first && n < range.first + range.size;
}

function cidrBounds(cidr: string): NumberRange {
  const [ip, bits] = cidr.split('/');
  const prefix = Number(bits);
  if (!ip || !Number.isInteger(prefix) || prefix < 8 || prefix > 30) throw new Error(`"${cidr}" is not an IPv4 CIDR between /8 and /30`);
  const size = 2 ** (32 - prefix);
  return { first: ipToNumber(ip) - (ipToNumber(ip) % size), size };
}

/** The first host address of a CIDR: a bridge's gateway, the node's own address on its pod network. */
export function firstHost(cidr: string): string {
  return numberToIp(cidrBounds(cidr).first + 1);
}

/**
 * What a service CIDR offers: `all` is every host address (a user may ask for any of them), `dynamic`
 * leaves out the first `reserved` hosts, which are kept for the cluster's own services.
 */
export function serviceIPRanges(cidr: string, reserved: number): { all: NumberRange; dynamic: NumberRange } {
  const net = cidrBounds(cidr);
  const all = { first: net.first + 1, size: net.size - 2 };
  return { all, dynamic: { first: all.first + reserved, size: all.size - reserved } };
}

export function containsIp(range: NumberRange, ip: string): boolean {
  try {
    return inRange(range, ipToNumber(ip));
  } catch {
    return false;
  }
}

/**
 * A free number of the range: probing from a random place (so a freed address is not handed out
 * again at once) and on in order. Undefined when every number is taken.
 */
export function pickFree(range: NumberRange, taken: (n: number) => boolean, random: () => number = Math.random): number | undefined {
  const start = Math.floor(random() * range.size);
  for (let i = 0; i < range.size; i++) {
    const n = range.first + ((start + i) % range.size);
    if (!taken(n)) return n;
  }
  return undefined;
}
