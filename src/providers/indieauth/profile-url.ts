import { isIP } from 'node:net';
import { domainName } from '../../domain-name.js';
import { type Message, msg } from '../../i18n/message.js';
import { HandleError } from '../provider.js';

/** URLs Byline keeps (in the sealed login cookie) and compares: longer ones are refused, not cut. */
const maxUrlLength = 512;

/**
 * Why `url` is not a user profile URL (IndieAuth §3.2), for the reader: it must be http(s), without
 * credentials or port, with a domain name for host (a fragment, which §3.2 forbids too, profileUrl's
 * pattern refuses and typedWebsite drops). Plain http is refused too: whoever sits between Byline and an
 * http page could name their own server in it, and the page is what proves who the reader is.
 * `allowPrivate` (`http.allowPrivateUpstreams`, tests and development) allows http, ports, `localhost`
 * and IP addresses.
 */
function profileUrlProblem(url: URL, allowPrivate: boolean): Message | undefined {
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:'))
    return msg('handle.websiteNotHttps');
  if (url.username || url.password) return msg('handle.websiteCredentials');
  if (url.href.length > maxUrlLength) return msg('handle.websiteTooLong');
  if (allowPrivate) return undefined;
  if (url.port) return msg('handle.websitePort');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0) return msg('handle.websiteIp');
  if (!domainName.test(host)) return msg('handle.websiteNotDomain');
  return undefined;
}

/**
 * The website the reader typed, as a URL to discover (IndieAuth §3.4): `alice.example`,
 * `https://alice.example/` or `alice.example/about`. A bare host gets `https://` (the spec allows either
 * scheme; Byline accepts an https site only, see profileUrlProblem), a missing path `/`, the host is
 * lower-cased and a fragment dropped.
 */
export function typedWebsite(input: string | undefined, allowPrivate: boolean): URL {
  const text = input?.trim() ?? '';
  if (!text) throw new HandleError(msg('handle.websiteEmpty'));
  if (text.length > maxUrlLength) throw new HandleError(msg('handle.websiteTooLong'));
  const withScheme = /^https?:\/\//i.test(text) ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new HandleError(msg('handle.websiteInvalid', { address: text }));
  }
  if ((url.username || url.password) && !/^https?:\/\//i.test(text))
    throw new HandleError(msg('handle.websiteEmail'));
  url.hash = '';
  // Byline reaches public sites over https only, as almost every site answers anyway (IndieAuth's own
  // example redirects http to https): `http://alice.example` is looked up at https://alice.example/.
  if (url.protocol === 'http:' && !allowPrivate) url.protocol = 'https:';
  const problem = profileUrlProblem(url, allowPrivate);
  if (problem) throw new HandleError(problem);
  return url;
}

/**
 * The `me` an authorization server answered, as a user profile URL (IndieAuth §3.2), or undefined when
 * it is not one. Only the URL standard's own normalisation is applied (lower-case host, `/` for an empty
 * path); a `.` or `..` segment is refused rather than resolved, as the spec says.
 */
export function profileUrl(value: unknown, allowPrivate: boolean): URL | undefined {
  if (typeof value !== 'string' || value.length > maxUrlLength) return undefined;
  if (!/^https?:\/\/[^/?#]+(\/[^?#]*)?(\?[^#]*)?$/i.test(value)) return undefined;
  const path = /^https?:\/\/[^/?#]+([^?#]*)/i.exec(value)?.[1] ?? '';
  if (path.split('/').some((segment) => /^(\.|%2e){1,2}$/i.test(segment))) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  return profileUrlProblem(url, allowPrivate) === undefined ? url : undefined;
}

/**
 * A URL a reader's site or server names (a metadata document, an endpoint, an issuer): absolute, https
 * (or http with `allowPrivate`), without credentials or fragment, at most `maxUrlLength`. Where it points
 * is checked when it is fetched (the guarded fetch refuses private addresses).
 */
export function serverUrl(value: unknown, base: URL | undefined, allowPrivate: boolean): URL | undefined {
  if (typeof value !== 'string' || value.length > maxUrlLength) return undefined;
  let url: URL;
  try {
    url = base ? new URL(value, base) : new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) return undefined;
  if (url.username || url.password || url.hash || url.href.length > maxUrlLength) return undefined;
  return url;
}

/** How the reader sees their site: `alice.example`, `example.com/alice` (no scheme, no final slash). */
export function siteLabel(url: URL): string {
  return `${url.host}${url.pathname === '/' ? '' : url.pathname}${url.search}`.replace(/\/$/, '');
}
