// The SSRF guard's address check: every special-purpose range at its edges, the IPv6 forms that carry an
// IPv4 address, and the allow-list. Then properties over random addresses against Node's own net.BlockList,
// an implementation written independently of ours.
import { BlockList } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyAddress, isAllowListed } from '../../src/ingest/address.ts';
import { ConfigError, parseAllowHosts, parseConfig } from '../../src/config.ts';

const range = (address: string) => {
  const v = classifyAddress(address);
  return v.kind === 'public' ? 'public' : v.range;
};

describe('IPv4', () => {
  // [address, the start of the range name it must be refused with, or 'public']
  const cases: [string, string][] = [
    ['0.0.0.0', 'unspecified'],
    ['0.255.255.255', 'unspecified'],
    ['1.0.0.0', 'public'],
    ['9.255.255.255', 'public'],
    ['10.0.0.0', 'private (10.0.0.0/8)'],
    ['10.255.255.255', 'private (10.0.0.0/8)'],
    ['11.0.0.0', 'public'],
    ['100.63.255.255', 'public'],
    ['100.64.0.0', 'carrier-grade NAT'],
    ['100.127.255.255', 'carrier-grade NAT'],
    ['100.128.0.0', 'public'],
    ['126.255.255.255', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['128.0.0.0', 'public'],
    ['169.253.255.255', 'public'],
    ['169.254.169.254', 'link-local'],
    ['169.255.0.0', 'public'],
    ['172.15.255.255', 'public'],
    ['172.16.0.0', 'private (172.16.0.0/12)'],
    ['172.31.255.255', 'private (172.16.0.0/12)'],
    ['172.32.0.0', 'public'],
    ['192.0.0.8', 'IETF protocol assignments'],
    ['192.0.2.1', 'documentation (192.0.2.0/24)'],
    ['192.0.3.0', 'public'],
    ['192.88.99.1', '6to4 relay anycast'],
    ['192.167.255.255', 'public'],
    ['192.168.0.1', 'private (192.168.0.0/16)'],
    ['192.168.255.255', 'private (192.168.0.0/16)'],
    ['192.169.0.0', 'public'],
    ['198.17.255.255', 'public'],
    ['198.18.0.0', 'benchmarking'],
    ['198.19.255.255', 'benchmarking'],
    ['198.20.0.0', 'public'],
    ['198.51.100.7', 'documentation (198.51.100.0/24)'],
    ['203.0.113.200', 'documentation (203.0.113.0/24)'],
    ['223.255.255.255', 'public'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.255', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['8.8.8.8', 'public'],
    ['93.184.215.14', 'public'],
  ];
  it.each(cases)('%s is %s', (address, expected) => {
    expect(range(address).startsWith(expected)).toBe(true);
  });
});

describe('IPv6', () => {
  const cases: [string, string][] = [
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    // IPv4-mapped: judged by the IPv4 address inside, in every spelling.
    ['::ffff:127.0.0.1', 'loopback (127.0.0.0/8), as IPv4-mapped'],
    ['::ffff:7f00:1', 'loopback (127.0.0.0/8), as IPv4-mapped'],
    ['0:0:0:0:0:ffff:7f00:0001', 'loopback (127.0.0.0/8), as IPv4-mapped'],
    ['::FFFF:10.1.2.3', 'private (10.0.0.0/8), as IPv4-mapped'],
    ['::ffff:a9fe:a9fe', 'link-local (169.254.0.0/16, where cloud metadata services live), as IPv4-mapped'],
    ['::ffff:100.64.0.1', 'carrier-grade NAT'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['::ffff:8.8.8.8', 'public'],
    ['::ffff:0:10.0.0.1', 'private (10.0.0.0/8), as IPv4-translated'],
    ['::127.0.0.1', 'IPv4-compatible'],
    // NAT64 and 6to4 carry IPv4 addresses too.
    ['64:ff9b::7f00:1', 'loopback (127.0.0.0/8), as NAT64'],
    ['64:ff9b::192.168.1.1', 'private (192.168.0.0/16), as NAT64'],
    ['64:ff9b::8.8.4.4', 'public'],
    ['64:ff9b:1::1', 'local-use NAT64'],
    ['2002:7f00:1::', 'loopback (127.0.0.0/8), as 6to4'],
    ['2002:c0a8:101::1', 'private (192.168.0.0/16), as 6to4'],
    ['2002:808:808::1', 'public'],
    ['100::1', 'discard-only'],
    ['2001::1', 'IETF protocol assignments'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'IETF protocol assignments'], // Teredo
    ['2001:db8::1', 'documentation (2001:db8::/32)'],
    ['3fff::1', 'documentation (3fff::/20)'],
    ['fc00::1', 'unique local'],
    ['fd12:3456:789a::1', 'unique local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['fec0::1', 'site-local'],
    ['ff02::1', 'multicast'],
    ['ff05::1:3', 'multicast'],
    ['5f00::1', 'not a global unicast'],
    ['4000::1', 'not a global unicast'],
    ['2606:4700:4700::1111', 'public'],
    ['2a00:1450:4009:81f::200e', 'public'],
  ];
  it.each(cases)('%s is %s', (address, expected) => {
    expect(range(address).startsWith(expected)).toBe(true);
  });

  it('rejects what is not an address, as a bug: only resolved addresses are classified', () => {
    expect(() => classifyAddress('localhost')).toThrow('address: not an IP address: "localhost"');
    expect(() => classifyAddress('127.1')).toThrow('not an IP address');
  });
});

// The special-purpose IPv4 ranges, as Node's BlockList holds them.
const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15],
  ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((b) => b.join('.'));
// Addresses near the range edges are where a mask mistake shows: draw those often.
const edgy = fc.oneof(
  ipv4,
  fc.constantFrom(0, 10, 100, 127, 169, 172, 192, 198, 203, 223, 224, 239, 240, 255).chain((a) => fc.tuple(fc.constant(a), fc.nat(255), fc.nat(255), fc.nat(255)).map((b) => b.join('.'))),
);

describe('properties', () => {
  it('an IPv4 address is internal exactly when Node\'s BlockList of the same ranges holds it', () => {
    fc.assert(
      fc.property(edgy, (address) => {
        expect(classifyAddress(address).kind === 'internal').toBe(blocked.check(address, 'ipv4'));
      }),
      { numRuns: 5000 },
    );
  });

  it('every IPv6 spelling of an IPv4 address (mapped, hex-mapped, NAT64) gets the IPv4 verdict', () => {
    fc.assert(
      fc.property(edgy, (address) => {
        const [a, b, c, d] = address.split('.').map(Number) as [number, number, number, number];
        const hex = `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
        const v4 = classifyAddress(address).kind;
        expect(classifyAddress(`::ffff:${address}`).kind).toBe(v4);
        expect(classifyAddress(`::ffff:${hex}`).kind).toBe(v4);
        expect(classifyAddress(`64:ff9b::${hex}`).kind).toBe(v4);
        expect(classifyAddress(`2002:${hex}::1`).kind).toBe(v4);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the allow-list (INGEST_ALLOW_HOSTS)', () => {
  it('parses host and host:port entries, IPv6 in brackets, into the form URLs take', () => {
    expect(parseAllowHosts(' 127.0.0.1:8080, Intranet.Example ,[0:0::1]:9000')).toEqual([
      { host: '127.0.0.1', port: 8080 },
      { host: 'intranet.example', port: null },
      { host: '::1', port: 9000 },
    ]);
    expect(parseConfig({}).ingestAllowHosts).toEqual([]);
  });

  it('refuses entries that are not hosts, naming the variable', () => {
    for (const bad of ['http://example.org', 'example.org/path', 'host:99999', '[not-ipv6]:80', 'a b', '::1']) {
      expect(() => parseAllowHosts(bad)).toThrow(ConfigError);
      expect(() => parseAllowHosts(bad)).toThrow(/^INGEST_ALLOW_HOSTS must be/);
    }
  });

  it('matches a host at the port named, or at any port when none is', () => {
    const allow = parseAllowHosts('127.0.0.1:8080,intranet.example,[::1]:9000');
    expect(isAllowListed(new URL('http://127.0.0.1:8080/x'), allow)).toBe(true);
    expect(isAllowListed(new URL('http://127.0.0.1:8081/x'), allow)).toBe(false);
    expect(isAllowListed(new URL('http://127.0.0.1/x'), allow)).toBe(false);
    expect(isAllowListed(new URL('https://INTRANET.example:4443/'), allow)).toBe(true);
    expect(isAllowListed(new URL('http://intranet.example.evil.test/'), allow)).toBe(false);
    expect(isAllowListed(new URL('http://[::1]:9000/'), allow)).toBe(true);
    expect(isAllowListed(new URL('http://[0:0:0:0:0:0:0:1]:9000/'), allow)).toBe(true);
    // The URL parser reads other spellings of an address the way a connection would.
    expect(isAllowListed(new URL('http://2130706433:8080/'), allow)).toBe(true);
  });
});

describe('the ingest settings', () => {
  it('default to 2 MB and 15 s, and refuse values out of range with the variable\'s name', () => {
    const c = parseConfig({});
    expect(c.ingestMaxBytes).toBe(2 * 1024 * 1024);
    expect(c.ingestTimeoutMs).toBe(15_000);
    expect(parseConfig({ INGEST_MAX_BYTES: '65536', INGEST_TIMEOUT_MS: '2000' })).toMatchObject({ ingestMaxBytes: 65536, ingestTimeoutMs: 2000 });
    expect(() => parseConfig({ INGEST_MAX_BYTES: '10' })).toThrow(/^INGEST_MAX_BYTES must be a whole number/);
    expect(() => parseConfig({ INGEST_TIMEOUT_MS: 'soon' })).toThrow(/^INGEST_TIMEOUT_MS must be a whole number/);
  });
});
