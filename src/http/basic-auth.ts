import type { IncomingMessage } from 'node:http';
import type { FormRequest } from './form-body.js';

/** One form-urlencoded part of the Basic credentials; undefined when it is not valid. */
function formDecoded(part: string): string | undefined {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/**
 * RFC 6749 §2.3.1: the Basic header's parts (form-urlencoded, then base64), each undefined when malformed.
 * `rawSecret` is the password as sent, before form-decoding: some clients (Ruby's oauth2, under
 * Discourse) do not encode it, so a secret with `+` or `%` only matches as sent.
 */
export function basicCredentialParts(
  req: Pick<IncomingMessage, 'headers'>,
): { id: string | undefined; secret: string | undefined; rawSecret?: string } | undefined {
  const header = req.headers.authorization;
  if (!header || !/^basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return { id: undefined, secret: undefined };
  const rawSecret = decoded.slice(colon + 1);
  return { id: formDecoded(decoded.slice(0, colon)), secret: formDecoded(rawSecret), rawSecret };
}

/**
 * The site a request names at /token, /revoke or /introspect (Basic user name or `client_id`), if any,
 * and whether it comes with a secret; for the rate limits, which look before authentication does, so
 * malformed credentials are not an error here.
 */
export function claimedClient(req: FormRequest): { id?: string; withSecret: boolean } {
  const basic = basicCredentialParts(req);
  if (basic) return { ...(basic.id ? { id: basic.id } : {}), withSecret: true };
  const body = (req.body ?? {}) as Record<string, unknown>;
  const id = typeof body.client_id === 'string' ? body.client_id : undefined;
  return { ...(id ? { id } : {}), withSecret: body.client_secret !== undefined };
}
