import type { SiteConfig } from '../config/schema.js';
import { sameSecret } from '../crypto/same-secret.js';
import { basicCredentialParts } from '../http/basic-auth.js';
import { BylineError } from '../http/errors.js';
import type { FormRequest } from '../http/form-body.js';
import { param } from '../http/params.js';
import type { GatewayContext } from './gateway-context.js';

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

function basicCredentials(req: FormRequest): { id: string; secrets: string[] } | undefined {
  const parts = basicCredentialParts(req);
  if (!parts) return undefined;
  const { id, secret, rawSecret } = parts;
  if (id === undefined || rawSecret === undefined)
    throw invalidClient('The Basic credentials are malformed.', true);
  // The form-decoded secret (RFC 6749 §2.3.1) or, from clients that do not encode it, the secret as sent.
  return { id, secrets: secret === undefined || secret === rawSecret ? [rawSecret] : [secret, rawSecret] };
}

/**
 * Identifies the site at /token, /revoke and /introspect. A secret, when presented, must be right
 * (401 otherwise); a site may also come without one, and the grant decides whether that is enough.
 */
export function authenticateClient(ctx: GatewayContext, req: FormRequest): AuthenticatedClient {
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
  const secrets = basic?.secrets ?? (postedSecret === undefined ? [] : [postedSecret]);
  if (secrets.length === 0) return { site, confidential: false };
  const expected = site.secret;
  if (!expected || !secrets.some((secret) => sameSecret(secret, expected)))
    throw invalidClient('Client authentication failed.', Boolean(basic));
  return { site, confidential: true };
}
