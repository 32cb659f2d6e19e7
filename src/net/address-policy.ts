import { BlockList, isIP } from 'node:net';

/**
 * Addresses a server-side fetch must never reach (SSRF): loopback, private, link-local (cloud
 * metadata lives at 169.254.169.254), carrier-grade NAT, multicast, reserved, and their IPv6 forms,
 * including IPv4-mapped and NAT64 addresses that embed one of them.
 */
const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16],
  ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16],
  ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
  ['2001:db8::', 32], ['100::', 64], ['2001::', 23], ['2002::', 16],
  // Local-use NAT64 (RFC 8215): translates to whatever IPv4 network the operator chose.
  ['64:ff9b:1::', 48],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv6');
}

/** The eight 16-bit groups of an IPv6 address in any textual form (a zone id is ignored). */
function ipv6Groups(address: string): number[] | undefined {
  let host: string;
  try {
    // The WHATWG URL parser canonicalises every IPv6 form (dotted tail, leading zeros, case).
    host = new URL(`http://[${address.replace(/%.*$/, '')}]/`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
  const [head = '', tail] = host.split('::');
  const before = head ? head.split(':') : [];
  const after = tail ? tail.split(':') : [];
  const groups = tail === undefined ? before : [...before, ...Array<string>(8 - before.length - after.length).fill('0'), ...after];
  return groups.length === 8 ? groups.map((group) => parseInt(group, 16)) : undefined;
}

/**
 * The IPv4 address an IPv6 address stands for, whatever its textual form: IPv4-mapped
 * (::ffff:0:0/96), IPv4-compatible (::/96, deprecated), IPv4-translated (::ffff:0:0:0/96, RFC 2765)
 * and well-known NAT64 (64:ff9b::/96, RFC 6052). Any of them can reach an IPv4 host.
 */
function embeddedIPv4(address: string): string | undefined {
  const g = ipv6Groups(address);
  if (!g) return undefined;
  const zeroUpTo = (end: number) => g.slice(0, end).every((group) => group === 0);
  const embeds =
    (zeroUpTo(5) && g[5] === 0xffff) ||
    zeroUpTo(6) ||
    (zeroUpTo(4) && g[4] === 0xffff && g[5] === 0) ||
    (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((group) => group === 0));
  if (!embeds) return undefined;
  return `${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`;
}

/** True when a resolved IP address is a public unicast address that a guarded fetch may contact. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !blocked.check(address, 'ipv4');
  if (family === 6) {
    const v4 = embeddedIPv4(address);
    if (v4 !== undefined) return isPublicAddress(v4);
    return !blocked.check(address, 'ipv6');
  }
  return false;
}
