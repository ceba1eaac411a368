import { isIP } from 'node:net';
import type { Request } from 'express';
import { clientAddress } from './rate-limit.js';

/** The eight 16-bit groups of an IPv6 address (the URL parser has written embedded IPv4 as two groups). */
function ipv6Groups(address: string): number[] {
  const canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const [head = '', tail] = canonical.split('::');
  const part = (text: string) => (text ? text.split(':').map((group) => Number.parseInt(group, 16)) : []);
  const [left, right] = [part(head), part(tail ?? '')];
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/**
 * The network a client address stands for, in limits that count clients: an IPv6 address is its /64 (a
 * subscriber's prefix, inside which a host may take any address it likes, so one per request if it
 * wants), written `2001:db8:1:2::/64`; an IPv4 address, IPv4-mapped or not, is itself. Anything else
 * (no address known) is returned as it is.
 */
export function addressNetwork(address: string): string {
  const bare = address.split('%')[0] ?? address;
  if (isIP(bare) !== 6) return address;
  const groups = ipv6Groups(bare);
  const [a = 0, b = 0, c = 0, d = 0, , , g = 0, h = 0] = groups;
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff)
    return [g >> 8, g & 255, h >> 8, h & 255].join('.');
  return `${[a, b, c, d].map((group) => group.toString(16)).join(':')}::/64`;
}

/** The client's network (addressNetwork of the address the limits count by). */
export function clientNetwork(req: Request): string {
  return addressNetwork(clientAddress(req));
}
