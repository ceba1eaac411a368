import { isJsonType } from '../../http/json-type.js';
import { HandleError } from '../provider.js';
import { instanceMessages, readerFailure } from './errors.js';
import type { Instance } from './instance.js';

/** How Byline logs readers in at one instance: what its OAuth metadata says, or Mastodon's defaults. */
export interface InstanceServer {
  authorization: string;
  token: string;
  /** `POST /api/v1/apps` (the metadata's `app_registration_endpoint`). */
  registration: string;
  /**
   * The least scope that reads the reader's own account: `profile` where the metadata lists it (Mastodon
   * 4.3 and later), else `read:accounts`.
   */
  scope: 'profile' | 'read:accounts';
  /** The instance published RFC 8414 metadata (Mastodon 4.3 and later); older ones lose idle apps. */
  metadata: boolean;
}

/**
 * The JSON object of an answer from the instance, which must come from the instance itself (a redirect
 * elsewhere is refused: the reader named this server). Anything else is a HandleError for the reader.
 */
export async function instanceJson(
  response: Response,
  instance: Instance,
): Promise<Record<string, unknown> | undefined> {
  const final = URL.parse(response.url);
  if (final && final.origin !== instance.origin)
    throw new HandleError(instanceMessages.elsewhere(instance.host, final.host));
  if (!isJsonType(response.headers.get('content-type'))) return undefined;
  const body: unknown = await response.json().catch(() => undefined);
  return body !== null && typeof body === 'object' && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : undefined;
}

/** An endpoint the metadata names, which must be on the instance (Mastodon's always are). */
function sameOriginEndpoint(value: unknown, instance: Instance, fallback: string): string {
  if (value === undefined) return new URL(fallback, instance.origin).href;
  const url = typeof value === 'string' ? URL.parse(value) : null;
  if (!url || url.origin !== instance.origin || url.username || url.password)
    throw new HandleError(instanceMessages.notMastodon(instance.host));
  return url.href;
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];

/**
 * Finds how to log in at `instance`: `/.well-known/oauth-authorization-server` (RFC 8414, Mastodon 4.3+),
 * whose issuer must be the instance and whose endpoints must be on it; an instance without it (older
 * Mastodon, GoToSocial, Akkoma, or a site that answers every path with a page) gets Mastodon's defaults,
 * and the app registration then tells whether it speaks the Mastodon API at all.
 */
export async function discoverServer(fetchFn: typeof fetch, instance: Instance): Promise<InstanceServer> {
  const url = new URL('/.well-known/oauth-authorization-server', instance.origin);
  let response: Response;
  try {
    response = await fetchFn(url, { headers: { accept: 'application/json' } });
  } catch (error) {
    throw readerFailure(error, instance.host);
  }
  if (response.status >= 500) throw new HandleError(instanceMessages.broken(instance.host));
  const metadata = response.ok ? await instanceJson(response, instance) : undefined;
  if (!metadata) {
    await response.body?.cancel();
    return {
      authorization: new URL('/oauth/authorize', instance.origin).href,
      token: new URL('/oauth/token', instance.origin).href,
      registration: new URL('/api/v1/apps', instance.origin).href,
      scope: 'read:accounts',
      metadata: false,
    };
  }
  const issuer = typeof metadata.issuer === 'string' ? URL.parse(metadata.issuer) : null;
  if (issuer?.origin !== instance.origin) throw new HandleError(instanceMessages.notMastodon(instance.host));
  return {
    authorization: sameOriginEndpoint(metadata.authorization_endpoint, instance, '/oauth/authorize'),
    token: sameOriginEndpoint(metadata.token_endpoint, instance, '/oauth/token'),
    registration: sameOriginEndpoint(metadata.app_registration_endpoint, instance, '/api/v1/apps'),
    scope: strings(metadata.scopes_supported).includes('profile') ? 'profile' : 'read:accounts',
    metadata: true,
  };
}
