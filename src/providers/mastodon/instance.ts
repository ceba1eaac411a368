import { isIP } from 'node:net';
import { domainName } from '../../domain-name.js';
import { isPublicAddress } from '../../http/public-address.js';
import { msg } from '../../i18n/message.js';
import { HandleError } from '../provider.js';

/** The fediverse instance a reader named, as Byline will reach it. */
export interface Instance {
  /** `https://example.social` (plain http only where `allowPrivateUpstreams` lets a private host be). */
  origin: string;
  /** `example.social`, or `host:port`: the subject's middle part (`mastodon:<host>:<account id>`). */
  host: string;
  /** The host name alone (no port), which `allowedInstances` and `blockedInstances` match. */
  hostname: string;
}

const messages = {
  empty: msg('handle.fediverseEmpty'),
  invalid: msg('handle.fediverseInvalid'),
  notAccepted: (host: string) => msg('handle.notAccepted', { host }),
};

// A user part as Mastodon, GoToSocial and Akkoma allow them (letters, digits, _, ., -).
const userPart = /^[\p{L}\p{N}_.-]{1,64}$/u;

/** Whether `text` can be the user part of a fediverse address (`alice` in `@alice@example.social`). */
export function isUserPart(text: string): boolean {
  return userPart.test(text);
}

/** A host the reader might mean: a domain name (`localhost` too, for private setups), or an IP address. */
function plausibleHost(hostname: string): boolean {
  if (hostname.startsWith('[')) return isIP(hostname.slice(1, -1)) === 6;
  return isIP(hostname) === 4 || domainName.test(hostname) || hostname === 'localhost';
}

/**
 * The instance in what a reader typed: `@alice@example.social`, `alice@example.social`, `example.social`,
 * `example.social:8443`, or a URL on it (`https://example.social/@alice`). A URL's scheme is kept only
 * when `allowPrivate` (plain http to a private development instance); otherwise it is https. Throws
 * HandleError, for the reader, when it names no instance. The user part is not used: the reader proves
 * who they are at the instance, whichever account they choose there.
 */
export function parseInstance(typed: string | undefined, allowPrivate: boolean): Instance {
  const text = (typed ?? '').trim();
  if (!text) throw new HandleError(messages.empty);
  if (text.length > 512 || /\s/.test(text)) throw new HandleError(messages.invalid);
  let hostPart: string;
  let scheme = 'https:';
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? URL.parse(text) : null;
  if (url) {
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password)
      throw new HandleError(messages.invalid);
    if (allowPrivate) scheme = url.protocol;
    hostPart = url.host;
  } else {
    // A bare host may end in a slash, or a path (`example.social/@alice`): the instance is the host.
    const handle = text.replace(/^@/, '').replace(/\/.*$/, '');
    const at = handle.lastIndexOf('@');
    if (at >= 0 && !isUserPart(handle.slice(0, at))) throw new HandleError(messages.invalid);
    hostPart = handle.slice(at + 1);
    if (!hostPart || /[@?#\\]/.test(hostPart)) throw new HandleError(messages.invalid);
  }
  const parsed = URL.parse(`${scheme}//${hostPart}/`);
  if (parsed?.pathname !== '/' || !plausibleHost(parsed.hostname)) throw new HandleError(messages.invalid);
  if (allowPrivate && !url && isPrivateLiteral(parsed.hostname)) parsed.protocol = 'http:';
  return { origin: parsed.origin, host: parsed.host, hostname: parsed.hostname };
}

/** `localhost` or an IP literal off the public Internet: a development instance, reached over plain http by default. */
function isPrivateLiteral(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    (plausibleHost(hostname) && isIP(hostname.replace(/^\[|\]$/g, '')) !== 0 && !isPublicAddress(hostname))
  );
}

/** Whether `hostname` matches a pattern: `example.social` itself, or `*.example.social` for its subdomains. */
function matches(hostname: string, pattern: string): boolean {
  return pattern.startsWith('*.') ? hostname.endsWith(pattern.slice(1)) : hostname === pattern;
}

/**
 * Refuses, for the reader, an instance the admin does not accept: one in `blocked`, or one missing from
 * `allowed` when that list is given. Checked before Byline contacts the instance at all.
 */
export function checkInstanceAllowed(
  instance: Instance,
  rules: { allowed?: readonly string[] | undefined; blocked: readonly string[] },
): void {
  const { hostname } = instance;
  const blocked = rules.blocked.some((pattern) => matches(hostname, pattern));
  const allowed = !rules.allowed || rules.allowed.some((pattern) => matches(hostname, pattern));
  if (blocked || !allowed) throw new HandleError(messages.notAccepted(hostname));
}
