import { BlockList, isIP } from 'node:net';

/**
 * IPv4 ranges that are not the public Internet (IANA special-purpose registry): this host, private
 * networks, shared address space (CGNAT), loopback, link-local (cloud metadata at 169.254.169.254),
 * protocol assignments, documentation, 6to4 relays, benchmarking, multicast, reserved and broadcast.
 */
const ipv4Special: [string, number][] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];

/**
 * Special ranges inside IPv6 global unicast (2000::/3): protocol assignments (Teredo among them),
 * documentation, and 6to4, which embeds an IPv4 address that could be private.
 */
const ipv6Special: [string, number][] = [
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['3fff::', 20],
];

const ipv4Blocked = new BlockList();
for (const [network, prefix] of ipv4Special) ipv4Blocked.addSubnet(network, prefix, 'ipv4');
const ipv6Blocked = new BlockList();
for (const [network, prefix] of ipv6Special) ipv6Blocked.addSubnet(network, prefix, 'ipv6');
const ipv6GlobalUnicast = new BlockList();
ipv6GlobalUnicast.addSubnet('2000::', 3, 'ipv6');

/**
 * Whether `address` (an IP address as DNS or a URL gives it, brackets allowed) is on the public
 * Internet, so that Byline may connect to it for a host a reader named. IPv6 must be global unicast
 * (2000::/3) outside the special ranges: that refuses `::`, `::1`, ULA fc00::/7, link-local fe80::/10,
 * multicast ff00::/8 and every IPv4-mapped (`::ffff:127.0.0.1`), IPv4-compatible or NAT64 form, whatever
 * IPv4 address it embeds. An address with a zone (`fe80::1%eth0`) or anything that is not an address is
 * not public.
 */
export function isPublicAddress(address: string): boolean {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  switch (isIP(bare)) {
    case 4:
      return !ipv4Blocked.check(bare, 'ipv4');
    case 6:
      if (bare.includes('%')) return false;
      return ipv6GlobalUnicast.check(bare, 'ipv6') && !ipv6Blocked.check(bare, 'ipv6');
    default:
      return false;
  }
}
