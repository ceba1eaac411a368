import type { Request } from 'express';
import type { SiteConfig } from '../config/schema.js';
import { BylineError } from '../http/errors.js';
import { param } from '../http/params.js';
import type { GatewayContext } from './gateway-context.js';
import { sameSecret } from './login/records.js';

export interface AuthenticatedClient {
  site: SiteConfig;
  /** True when the request proved the site secret (client_secret_basic or client_secret_post). */
  confidential: boolean;
}

function invalidClient(message: string, basic: boolean): BylineError {
  return new BylineError('invalid_client', message, {
    headers: basic ? { 'WWW-Authenticate': 'Basic realm="byline", charset="UTF-8"' } : {},
  });
}

/** One form-urlencoded part of the Basic credentials; undefined when it is not valid. */
function formDecoded(part: string): string | undefined {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/** RFC 6749 §2.3.1: the Basic header's parts (form-urlencoded, then base64), each undefined when malformed. */
function basicParts(req: Request): { id: string | undefined; secret: string | undefined } | undefined {
  const header = req.headers.authorization;
  if (!header || !/^basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return { id: undefined, secret: undefined };
  return { id: formDecoded(decoded.slice(0, colon)), secret: formDecoded(decoded.slice(colon + 1)) };
}

function basicCredentials(req: Request): { id: string; secret: string } | undefined {
  const parts = basicParts(req);
  if (!parts) return undefined;
  const { id, secret } = parts;
  if (id === undefined || secret === undefined)
    throw invalidClient('The Basic credentials are malformed.', true);
  return { id, secret };
}

/**
 * The site a request names at /token, /revoke or /introspect (Basic user name or `client_id`), if any,
 * and whether it comes with a secret; for the rate limits, which look before authentication does, so
 * malformed credentials are not an error here.
 */
export function claimedClient(req: Request): { id?: string; withSecret: boolean } {
  const basic = basicParts(req);
  if (basic) return { ...(basic.id ? { id: basic.id } : {}), withSecret: true };
  const body = (req.body ?? {}) as Record<string, unknown>;
  const id = typeof body.client_id === 'string' ? body.client_id : undefined;
  return { ...(id ? { id } : {}), withSecret: body.client_secret !== undefined };
}

/**
 * Identifies the site at /token, /revoke and /introspect. A secret, when presented, must be right
 * (401 otherwise); a site may also come without one, and the grant decides whether that is enough.
 */
export function authenticateClient(ctx: GatewayContext, req: Request): AuthenticatedClient {
  const body = req.body as Record<string, unknown> | undefined;
  const basic = basicCredentials(req);
  const postedId = param(body, 'client_id', { max: 64 });
  const postedSecret = param(body, 'client_secret', { max: 512 });
  if (basic && postedSecret !== undefined)
    throw new BylineError('invalid_request', 'Use one client authentication method, not two.');
  if (basic && postedId !== undefined && postedId !== basic.id)
    throw invalidClient('client_id does not match the Basic credentials.', true);
  const id = basic?.id ?? postedId;
  if (!id) throw invalidClient('client_id is required.', false);
  const site = ctx.sites.get(id);
  if (!site) throw invalidClient('Unknown client.', Boolean(basic));
  const secret = basic?.secret ?? postedSecret;
  if (secret === undefined) return { site, confidential: false };
  if (!site.secret || !sameSecret(secret, site.secret))
    throw invalidClient('Client authentication failed.', Boolean(basic));
  return { site, confidential: true };
}
