import { isIP } from 'node:net';

/**
 * The one loopback check: where plain http is acceptable (a local publicUrl, the dev IdP, test doubles,
 * a local proxy). Loopback means exactly `localhost`, an IPv4 address in 127.0.0.0/8, or `::1`; a name
 * that merely starts with `127.` (`127.attacker.example`) or resolves there by DNS is not, since DNS
 * answers are whoever controls that name's.
 *
 * Decisions, each tested in test/security/loopback.test.ts:
 * - A host is read as a URL's `hostname`, after the URL standard has parsed it. That parser turns
 *   `127.1`, `0x7f.1`, `0177.0.0.1` and `2130706433` into `127.0.0.1`, and HTTP clients connect to what
 *   it produced, so in a URL those spellings are loopback. As a bare host name (`isLoopbackHost`) only
 *   the dotted-quad form is an address: `127.1` there is a name like any other, and refused.
 * - `localhost` in any case (`LOCALHOST`); not `localhost.` or `*.localhost`, which are resolved by DNS
 *   on some systems rather than by the hosts file.
 * - `::1` in any spelling (`[0:0:0:0:0:0:0:1]`), bracketed in URLs; not IPv4-mapped addresses such as
 *   `[::ffff:127.0.0.1]`: nobody needs to write them, and they are a classic way around address checks.
 * - Not `0.0.0.0` or `::` (the unspecified address), nor names such as `127.0.0.1.nip.io`.
 *
 * Imports nothing from the rest of src/, so config, providers and http may all use it.
 */
export function isLoopbackHost(hostname: string): boolean {
  if (typeof hostname !== 'string') return false;
  // Brackets belong around IPv6 addresses only (as URLs write them).
  if (hostname.startsWith('[') && hostname.endsWith(']')) {
    const address = hostname.slice(1, -1);
    return isIP(address) === 6 && isIpv6Loopback(address);
  }
  if (hostname.toLowerCase() === 'localhost') return true;
  switch (isIP(hostname)) {
    case 4:
      return hostname.split('.')[0] === '127';
    case 6:
      return isIpv6Loopback(hostname);
    default:
      return false;
  }
}

/** Whether a URL names a loopback host (see `isLoopbackHost`); false for anything that does not parse. */
export function isLoopbackUrl(url: URL | string): boolean {
  if (url instanceof URL) return isLoopbackHost(url.hostname);
  if (typeof url !== 'string' || !URL.canParse(url)) return false;
  return isLoopbackHost(new URL(url).hostname);
}

/** `::1` however written: seven zero groups and a final 1 (isIP has already checked the syntax). */
function isIpv6Loopback(address: string): boolean {
  // A zone (`::1%lo`) names an interface, not an address of this form; refuse rather than interpret it.
  if (address.includes('%') || address.includes('.')) return false;
  const [head = '', tail] = address.split('::') as [string, string | undefined];
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const left = groups(head);
  const right = groups(tail);
  const all =
    tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  if (all.length !== 8) return false;
  return all.every((group, i) => Number.parseInt(group, 16) === (i === 7 ? 1 : 0));
}
