import { isIPv4, isIPv6 } from 'node:net';

/**
 * What an IP address is, for the one question webhooks ask: may the hub POST
 * there? Only `public` may be reached (unless the operator allows private
 * targets); every other class names why not. Pure functions, no I/O.
 */
export type AddressClass = 'public' | 'unspecified' | 'loopback' | 'private' | 'link-local' | 'unique-local' | 'multicast' | 'reserved';

type Range = readonly [prefix: bigint, bits: number, kind: Exclude<AddressClass, 'public'>];

const v4 = (dotted: string, bits: number, kind: Range[2]): Range => [parseIPv4(dotted)!, bits, kind];

// RFC 6890's special-purpose IPv4 registry, the ranges nobody outside this network may use as an endpoint.
const IPV4_RANGES: readonly Range[] = [
  v4('0.0.0.0', 8, 'unspecified'),
  v4('10.0.0.0', 8, 'private'),
  v4('100.64.0.0', 10, 'private'), // carrier-grade NAT: inside someone's network
  v4('127.0.0.0', 8, 'loopback'),
  v4('169.254.0.0', 16, 'link-local'), // cloud metadata services live here
  v4('172.16.0.0', 12, 'private'),
  v4('192.0.0.0', 24, 'reserved'),
  v4('192.0.2.0', 24, 'reserved'),
  v4('192.88.99.0', 24, 'reserved'),
  v4('192.168.0.0', 16, 'private'),
  v4('198.18.0.0', 15, 'private'),
  v4('198.51.100.0', 24, 'reserved'),
  v4('203.0.113.0', 24, 'reserved'),
  v4('224.0.0.0', 4, 'multicast'),
  v4('240.0.0.0', 4, 'reserved'), // and 255.255.255.255, the broadcast address
];

/** The IPv4 address as a 32-bit number, from dotted-decimal only (what URL parsing and DNS give); null otherwise. */
export function parseIPv4(text: string): bigint | null {
  if (!isIPv4(text)) return null;
  return text.split('.').reduce((value, octet) => (value << 8n) | BigInt(Number(octet)), 0n);
}

/** The IPv6 address as a 128-bit number (`::`, embedded IPv4 and a zone id allowed); null when not IPv6. */
export function parseIPv6(text: string): bigint | null {
  const address = text.replace(/%.*$/, '');
  if (!isIPv6(address)) return null;
  let groups = address;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (dotted) {
    const embedded = parseIPv4(dotted[1]!)!;
    groups = `${address.slice(0, dotted.index)}${(embedded >> 16n).toString(16)}:${(embedded & 0xffffn).toString(16)}`;
  }
  const [head, tail] = groups.includes('::') ? groups.split('::') : [groups, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const middle = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...middle, ...right].reduce((value, group) => (value << 16n) | BigInt(parseInt(group, 16)), 0n);
}

function inRange(value: bigint, width: number, [prefix, bits]: Range): boolean {
  const shift = BigInt(width - bits);
  return value >> shift === prefix >> shift;
}

function classifyIPv4(value: bigint): AddressClass {
  return IPV4_RANGES.find((range) => inRange(value, 32, range))?.[2] ?? 'public';
}

const V6 = (hex: string) => parseIPv6(hex)!;

/**
 * The class of an IP address (IPv4 dotted, or IPv6 in any spelling); an
 * IPv6 address that carries an IPv4 one (mapped `::ffff:a.b.c.d`, compatible,
 * NAT64 `64:ff9b::`, 6to4 `2002::`) is the class of the IPv4 address it
 * reaches. IPv6 is public only within global unicast (2000::/3) outside its
 * documentation and tunnelling ranges. Anything that is no IP address is
 * `reserved`: never reachable.
 */
export function classifyAddress(address: string): AddressClass {
  const ipv4 = parseIPv4(address);
  if (ipv4 !== null) return classifyIPv4(ipv4);
  const value = parseIPv6(address);
  if (value === null) return 'reserved';
  if (value === 0n) return 'unspecified';
  if (value === 1n) return 'loopback';
  const low32 = value & 0xffff_ffffn;
  // ::ffff:0:0/96 (mapped) and ::/96 (compatible): the IPv4 address in the low 32 bits.
  if (value >> 32n === 0xffffn || value >> 32n === 0n) return classifyIPv4(low32);
  // 64:ff9b::/96 (NAT64) reaches the IPv4 address in its low 32 bits.
  if (value >> 32n === V6('64:ff9b::') >> 32n) return classifyIPv4(low32);
  // 2002::/16 (6to4) carries the IPv4 address in bits 16–47.
  if (value >> 112n === 0x2002n) return classifyIPv4((value >> 80n) & 0xffff_ffffn);
  const top = (bits: number) => value >> BigInt(128 - bits);
  if (top(8) === 0xffn) return 'multicast';
  if (top(7) === 0x7en) return 'unique-local'; // fc00::/7
  if (top(10) === 0x3fan) return 'link-local';
  if (top(10) === 0x3fbn) return 'private'; // fec0::/10, deprecated site-local
  // 2001::/32 Teredo carries an obfuscated IPv4 client; 2001:db8::/32 is for documentation.
  if (top(32) === 0x2001_0000n || top(32) === 0x2001_0db8n) return 'reserved';
  return top(3) === 1n ? 'public' : 'reserved';
}
