import { OversizedAnswerError, RefusedUpstreamError } from '../../http/guarded-fetch.js';
import type { MessageKey } from '../../i18n/catalog.js';
import { msg } from '../../i18n/message.js';
import { HandleError, type IndieAuthServer } from '../provider.js';
import { refusalReason } from '../refusal.js';
import { htmlLinkTargets, type LinkTargets, linkHeaderTargets } from './links.js';
import { serverUrl, siteLabel } from './profile-url.js';

export interface SiteDiscovery {
  /** The page that declared the server, after redirects. */
  page: URL;
  /** The host of every URL on the way there, the first one first. */
  hosts: string[];
  server: IndieAuthServer;
}

export interface DiscoveryOptions {
  /** `http.allowPrivateUpstreams`: http URLs allowed (where they point is the fetch's to check). */
  allowPrivate: boolean;
  /** Ends every request of this discovery (the login's share of `http.upstreamTimeout`). */
  signal: AbortSignal;
}

/** Redirects followed from the typed address (IndieAuth §4.1: "up to a self-imposed limit"). */
const maxRedirects = 5;
const redirectStatuses = new Set([301, 302, 303, 307, 308]);
const metadataRel = 'indieauth-metadata';
const authorizationRel = 'authorization_endpoint';

/** What the reader reads when their site could not be fetched, from the guarded fetch's error. */
function unreachable(website: string, error: unknown): HandleError {
  const code = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  const message =
    error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
      ? msg('handle.websiteSlow', { website })
      : error instanceof OversizedAnswerError
        ? msg('handle.websiteTooBig', { website })
        : error instanceof RefusedUpstreamError
          ? msg('handle.websiteRefused', { website, reason: refusalReason(error) })
          : code === 'ENOTFOUND'
            ? msg('handle.websiteNotFound', { website })
            : msg('handle.websiteUnreachable', { website });
  return new HandleError(message, { cause: error });
}

/** One GET without following redirects (each hop is the caller's, so every URL on the way is seen). */
async function get(fetcher: typeof fetch, url: URL, accept: string, signal: AbortSignal): Promise<Response> {
  try {
    return await fetcher(url.href, { headers: { accept }, redirect: 'manual', signal });
  } catch (error) {
    throw unreachable(siteLabel(url), signal.aborted ? signal.reason : error);
  }
}

async function text(response: Response, url: URL, signal: AbortSignal): Promise<string> {
  try {
    return await response.text();
  } catch (error) {
    throw unreachable(siteLabel(url), signal.aborted ? signal.reason : error);
  }
}

/** Lets go of a body that is not read (undici keeps the connection busy until it is). */
async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => {});
}

/**
 * The first target of `rel` (IndieAuth §4.1): the `Link` header's first, else the HTML page's first
 * `<link>`, resolved against the page.
 */
function firstTarget(rel: string, header: LinkTargets, html: LinkTargets): string | undefined {
  return header.get(rel) ?? html.get(rel);
}

/**
 * The server metadata (IndieAuth §4.1.1, RFC 8414) at `url`, checked: `issuer` an https URL without
 * query or fragment, a prefix of the metadata URL (§3.1; same origin, path prefix), an authorization
 * endpoint, and S256 among the PKCE methods when they are listed.
 */
async function readMetadata(
  fetcher: typeof fetch,
  url: URL,
  website: string,
  options: DiscoveryOptions,
): Promise<IndieAuthServer> {
  const response = await get(fetcher, url, 'application/json', options.signal);
  const invalid = (key: MessageKey) => new HandleError(msg(key, { website }));
  if (response.status !== 200)
    throw new HandleError(
      msg('handle.indieauthMetadataStatus', { website, status: String(response.status) }),
    );
  let metadata: unknown;
  try {
    metadata = JSON.parse(await text(response, url, options.signal));
  } catch (error) {
    if (error instanceof HandleError) throw error;
    throw invalid('handle.indieauthMetadataInvalid');
  }
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))
    throw invalid('handle.indieauthMetadataInvalid');
  const fields = metadata as Record<string, unknown>;
  const issuer = serverUrl(fields.issuer, undefined, options.allowPrivate);
  if (
    typeof fields.issuer !== 'string' ||
    !issuer ||
    issuer.search ||
    fields.issuer.includes('#') ||
    issuer.origin !== url.origin ||
    !url.pathname.startsWith(issuer.pathname)
  )
    throw invalid('handle.indieauthIssuer');
  const authorization = serverUrl(fields.authorization_endpoint, undefined, options.allowPrivate);
  if (!authorization) throw invalid('handle.indieauthNoAuthorization');
  const methods = fields.code_challenge_methods_supported;
  if (methods !== undefined && !(Array.isArray(methods) && methods.includes('S256')))
    throw invalid('handle.indieauthNoPkce');
  return {
    authorization: authorization.href,
    issuer: fields.issuer,
    ...(fields.authorization_response_iss_parameter_supported === true ? { issRequired: true } : {}),
  };
}

/**
 * Finds the authorization server `start` declares (IndieAuth §4.1): follows redirects (at most five,
 * each to an https URL, or http with allowPrivate), then the first `indieauth-metadata` link of the
 * `Link` header or the HTML page, whose metadata is read; without one, the first `authorization_endpoint`
 * link of earlier revisions. Every failure is an HandleError for the reader.
 */
export async function discoverServer(
  fetcher: typeof fetch,
  start: URL,
  options: DiscoveryOptions,
): Promise<SiteDiscovery> {
  let page = start;
  const hosts = [start.host];
  let response: Response;
  for (let hop = 0; ; hop++) {
    response = await get(fetcher, page, 'text/html, application/xhtml+xml;q=0.9, */*;q=0.1', options.signal);
    const location = response.headers.get('location');
    if (!redirectStatuses.has(response.status) || location === null) break;
    await discard(response);
    if (hop >= maxRedirects)
      throw new HandleError(msg('handle.websiteRedirectLoop', { website: siteLabel(start) }));
    const next = serverUrl(location, page, options.allowPrivate);
    if (!next) throw new HandleError(msg('handle.websiteRedirectInsecure', { website: siteLabel(page) }));
    page = next;
    if (!hosts.includes(page.host)) hosts.push(page.host);
  }
  const website = siteLabel(page);
  if (response.status !== 200) {
    await discard(response);
    // The status as digits, not a number in the reader's numerals: it is a code to look up.
    throw new HandleError(msg('handle.websiteError', { website, status: String(response.status) }));
  }
  const wanted = [metadataRel, authorizationRel];
  const header = linkHeaderTargets(response.headers.get('link'), wanted);
  const type = response.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase() ?? '';
  const isHtml = type === 'text/html' || type === 'application/xhtml+xml';
  // The body is read only when the header does not already answer.
  let html: LinkTargets = new Map();
  if (isHtml && !header.has(metadataRel))
    html = await htmlLinkTargets(await text(response, page, options.signal), wanted);
  else await discard(response);

  const metadata = firstTarget(metadataRel, header, html);
  if (metadata !== undefined) {
    const url = serverUrl(metadata, page, options.allowPrivate);
    if (!url) throw new HandleError(msg('handle.websiteMetadataInsecure', { website }));
    return { page, hosts, server: await readMetadata(fetcher, url, website, options) };
  }
  const authorization = firstTarget(authorizationRel, header, html);
  if (authorization !== undefined) {
    const url = serverUrl(authorization, page, options.allowPrivate);
    if (!url) throw new HandleError(msg('handle.websiteAuthorizationInsecure', { website }));
    return { page, hosts, server: { authorization: url.href } };
  }
  throw new HandleError(msg('handle.websiteNoServer', { website }));
}

/**
 * Whether two discoveries name the same server: IndieAuth §5.4 compares the authorization endpoint,
 * which is what logs the reader in (a page may still use the earlier link where another has metadata).
 */
export function sameServer(a: IndieAuthServer, b: IndieAuthServer): boolean {
  return a.authorization === b.authorization;
}
