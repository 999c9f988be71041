// Which IP addresses a web download may connect to: the server-side request forgery guard's address check.
// Pure. An address is public unless it falls in a special-purpose range: the IANA IPv4 and IPv6
// Special-Purpose Address Registries (RFC 6890 and its updates) plus multicast and the reserved class E block.
// IPv6 forms that carry an IPv4 address (IPv4-mapped, SIIT-translated, NAT64 64:ff9b::/96, 6to4) are judged
// by the IPv4 address inside them, so ::ffff:127.0.0.1 is as much loopback as 127.0.0.1.
import { isIP } from 'node:net';
import type { AllowedHost } from '../config.ts';

export type AddressVerdict = { readonly kind: 'public' } | { readonly kind: 'internal'; readonly range: string };

interface Range4 {
  readonly base: number;
  readonly bits: number;
  readonly name: string;
}

function parse4(text: string): number | null {
  if (isIP(text) !== 4) return null;
  return text.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function cidr4(text: string, name: string): Range4 {
  const [base, bits] = text.split('/');
  const n = parse4(base!);
  if (n === null) throw new Error(`address: bad IPv4 range ${text}`);
  return { base: n, bits: Number(bits), name };
}

/** Longest prefix first is not needed: these ranges do not overlap. */
const IPV4_RANGES: readonly Range4[] = [
  cidr4('0.0.0.0/8', 'unspecified ("this network", 0.0.0.0/8)'),
  cidr4('10.0.0.0/8', 'private (10.0.0.0/8)'),
  cidr4('100.64.0.0/10', 'carrier-grade NAT (shared address space, 100.64.0.0/10)'),
  cidr4('127.0.0.0/8', 'loopback (127.0.0.0/8)'),
  cidr4('169.254.0.0/16', 'link-local (169.254.0.0/16, where cloud metadata services live)'),
  cidr4('172.16.0.0/12', 'private (172.16.0.0/12)'),
  cidr4('192.0.0.0/24', 'IETF protocol assignments (192.0.0.0/24)'),
  cidr4('192.0.2.0/24', 'documentation (192.0.2.0/24)'),
  cidr4('192.88.99.0/24', '6to4 relay anycast (192.88.99.0/24)'),
  cidr4('192.168.0.0/16', 'private (192.168.0.0/16)'),
  cidr4('198.18.0.0/15', 'benchmarking (198.18.0.0/15)'),
  cidr4('198.51.100.0/24', 'documentation (198.51.100.0/24)'),
  cidr4('203.0.113.0/24', 'documentation (203.0.113.0/24)'),
  cidr4('224.0.0.0/4', 'multicast (224.0.0.0/4)'),
  cidr4('240.0.0.0/4', 'reserved (240.0.0.0/4, broadcast included)'),
];

function in4(n: number, r: Range4): boolean {
  // Shift in floating point: `>>>` on 32-bit values would sign-wrap for /0 and mishandle bits = 32.
  const size = 2 ** (32 - r.bits);
  return Math.floor(n / size) === Math.floor(r.base / size);
}

function classify4(n: number): AddressVerdict {
  for (const r of IPV4_RANGES) if (in4(n, r)) return { kind: 'internal', range: r.name };
  return { kind: 'public' };
}

/** The eight 16-bit groups of an IPv6 address as one 128-bit number, or null when `text` is not IPv6. */
function parse6(text: string): bigint | null {
  const address = text.split('%')[0]!; // a zone index ("fe80::1%eth0") names an interface, not an address
  if (isIP(address) !== 6) return null;
  const groups = (part: string): number[] => {
    if (part.length === 0) return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (g.includes('.')) {
        const v4 = parse4(g)!; // isIP accepted the address, so a dotted tail is a valid IPv4 address
        out.push(Math.floor(v4 / 65536), v4 % 65536);
      } else {
        out.push(parseInt(g, 16));
      }
    }
    return out;
  };
  const gap = address.indexOf('::');
  const head = groups(gap === -1 ? address : address.slice(0, gap));
  const tail = gap === -1 ? [] : groups(address.slice(gap + 2));
  const all = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  return all.reduce((n, g) => (n << 16n) | BigInt(g), 0n);
}

interface Range6 {
  readonly base: bigint;
  readonly bits: number;
  readonly name: string;
  /** Where an embedded IPv4 address sits (bit offset from the right), for forms judged by it. */
  readonly embedded?: number;
}

function cidr6(text: string, name: string, embedded?: number): Range6 {
  const [base, bits] = text.split('/');
  const n = parse6(base!);
  if (n === null) throw new Error(`address: bad IPv6 range ${text}`);
  return embedded === undefined ? { base: n, bits: Number(bits), name } : { base: n, bits: Number(bits), name, embedded };
}

// Checked in order: the specific ranges inside ::/96 come before it. Everything outside 2000::/3 (global
// unicast) that is not listed here is refused as well, so a new special range fails closed.
const IPV6_RANGES: readonly Range6[] = [
  cidr6('::/128', 'unspecified (::)'),
  cidr6('::1/128', 'loopback (::1)'),
  cidr6('::ffff:0:0/96', 'IPv4-mapped IPv6 (::ffff:0:0/96)', 0),
  cidr6('::ffff:0:0:0/96', 'IPv4-translated IPv6 (::ffff:0:0:0/96)', 0),
  cidr6('::/96', 'IPv4-compatible IPv6 (::/96, deprecated)'),
  cidr6('64:ff9b::/96', 'NAT64 (64:ff9b::/96)', 0),
  cidr6('64:ff9b:1::/48', 'local-use NAT64 (64:ff9b:1::/48)'),
  cidr6('100::/64', 'discard-only (100::/64)'),
  cidr6('2001:db8::/32', 'documentation (2001:db8::/32)'),
  cidr6('2001::/23', 'IETF protocol assignments (2001::/23, Teredo included)'),
  cidr6('2002::/16', '6to4 (2002::/16)', 80),
  cidr6('3fff::/20', 'documentation (3fff::/20)'),
  cidr6('fc00::/7', 'unique local, private (fc00::/7)'),
  cidr6('fe80::/10', 'link-local (fe80::/10)'),
  cidr6('fec0::/10', 'site-local (fec0::/10, deprecated)'),
  cidr6('ff00::/8', 'multicast (ff00::/8)'),
];
const GLOBAL_UNICAST = cidr6('2000::/3', 'global unicast');

function in6(n: bigint, r: Range6): boolean {
  const shift = BigInt(128 - r.bits);
  return n >> shift === r.base >> shift;
}

function classify6(n: bigint): AddressVerdict {
  for (const r of IPV6_RANGES) {
    if (!in6(n, r)) continue;
    if (r.embedded === undefined) return { kind: 'internal', range: r.name };
    const v4 = Number((n >> BigInt(r.embedded)) & 0xffffffffn);
    const inner = classify4(v4);
    return inner.kind === 'public' ? inner : { kind: 'internal', range: `${inner.range}, as ${r.name}` };
  }
  if (!in6(n, GLOBAL_UNICAST)) return { kind: 'internal', range: 'not a global unicast address (outside 2000::/3)' };
  return { kind: 'public' };
}

/** Is `address` (an IPv4 or IPv6 address as text, a zone index allowed) one a download may connect to? */
export function classifyAddress(address: string): AddressVerdict {
  const v4 = parse4(address);
  if (v4 !== null) return classify4(v4);
  const v6 = parse6(address);
  if (v6 !== null) return classify6(v6);
  throw new Error(`address: not an IP address: "${address}"`);
}

/** A URL's host as a plain name or address: lower-case, IPv6 without its brackets. */
export function bareHost(url: URL): string {
  return url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
}

/** The port a URL connects to (its default when none is written). */
export function portOf(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/** Does the allow-list name this host (at this port, or at any port when the entry names none)? */
export function isAllowListed(url: URL, allow: readonly AllowedHost[]): boolean {
  const host = bareHost(url);
  const port = portOf(url);
  return allow.some((a) => a.host === host && (a.port === null || a.port === port));
}
