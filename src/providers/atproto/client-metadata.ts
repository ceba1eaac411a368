import { isIP } from 'node:net';
import type { OAuthClientMetadataInput } from '@atproto/oauth-client-node';
import { Router } from 'express';
import type { JWK } from 'jose';
import { crossOriginReadable } from '../../http/security.js';
import { type PreparedBody, prepareBody, sendPrepared } from '../../http/send.js';

/** The scope asked for: `atproto` alone proves who the reader is, and lets Byline do nothing else. */
const atprotoScope = 'atproto';

/**
 * How Byline presents itself to atproto authorization servers, decided by `publicUrl` (atproto OAuth
 * "Clients"): behind https, a confidential web client whose `client_id` is the URL of its metadata
 * document, served by Byline with its JWKS (`private_key_jwt`); on a loopback http publicUrl, the
 * development client `http://localhost?redirect_uri=…&scope=atproto`, public, with no document at all.
 */
/** The TLDs atproto authorization servers refuse in a client_id (@atproto/oauth-types' isLocalHostname). */
const localTlds = new Set(['test', 'local', 'localhost', 'invalid', 'example']);

type AtprotoClient =
  | { kind: 'web'; clientId: string; jwksUri: string; metadataPath: string; jwksPath: string }
  | { kind: 'loopback'; redirectUri: string };

export function atprotoClient(publicUrl: string, provider: string, redirectUri: string): AtprotoClient {
  const base = new URL(publicUrl);
  if (base.protocol === 'http:') {
    // The spec allows only loopback addresses in a development client's redirect URI, never `localhost`.
    const host = new URL(redirectUri).hostname;
    if (host !== '127.0.0.1' && host !== '[::1]')
      throw new TypeError(
        `providers.${provider}: on an http publicUrl, atproto's development client needs publicUrl http://127.0.0.1:<port> (the atproto OAuth spec refuses "${host}" in its redirect URI); behind https it is a web client`,
      );
    return { kind: 'loopback', redirectUri };
  }
  // A client_id is an https URL with a public domain name (atproto OAuth "Client ID Metadata Document"):
  // authorization servers refuse IP addresses and the reserved TLDs their library calls local.
  const host = base.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0 || !host.includes('.') || localTlds.has(host.split('.').at(-1) ?? ''))
    throw new TypeError(
      `providers.${provider}: atproto needs publicUrl on a public domain name, not "${host}" (its client_id is a URL under publicUrl)`,
    );
  // Mounted at the app's root like every route; publicUrl says where the world reaches it.
  const metadataPath = `/oauth/${provider}/client-metadata.json`;
  const jwksPath = `/oauth/${provider}/jwks.json`;
  return {
    kind: 'web',
    clientId: publicUrl + metadataPath,
    jwksUri: publicUrl + jwksPath,
    metadataPath,
    jwksPath,
  };
}

/** The metadata the library is built with: for a web client, the very document Byline serves. */
export function clientMetadata(
  client: AtprotoClient,
  publicUrl: string,
  redirectUri: string,
): OAuthClientMetadataInput {
  if (client.kind === 'loopback') {
    const params = new URLSearchParams({ redirect_uri: redirectUri, scope: atprotoScope });
    return {
      client_id: `http://localhost?${params}`,
      redirect_uris: [redirectUri as `http://127.0.0.1${string}`],
      scope: atprotoScope,
      response_types: ['code'],
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'none',
      application_type: 'native',
      dpop_bound_access_tokens: true,
    };
  }
  return {
    client_id: client.clientId,
    client_name: 'Byline',
    client_uri: publicUrl as `https://${string}`,
    redirect_uris: [redirectUri as `https://${string}`],
    scope: atprotoScope,
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_signing_alg: 'ES256',
    application_type: 'web',
    dpop_bound_access_tokens: true,
    jwks_uri: client.jwksUri as `https://${string}`,
  };
}

/** The public half of the client key, as published in the JWKS. */
function publicClientJwk(key: JWK): JWK {
  const { kty, crv, x, y, kid, alg, use } = key;
  return { kty, crv, x, y, kid, alg, use };
}

/**
 * `GET <metadataPath>` and `GET <jwksPath>`: what authorization servers fetch to learn who Byline is.
 * Both are public and change only when the key does; `key` is read on the first request.
 */
export function clientDocumentsRouter(
  client: Extract<AtprotoClient, { kind: 'web' }>,
  metadata: OAuthClientMetadataInput,
  key: () => Promise<JWK>,
): Router {
  const router = Router();
  const headers = { 'Cache-Control': 'public, max-age=600' };
  const document = prepareBody(JSON.stringify(metadata), 'application/json');
  router.get(client.metadataPath, crossOriginReadable, (_req, res) => sendPrepared(res, document, headers));
  let jwks: PreparedBody | undefined;
  router.get(client.jwksPath, crossOriginReadable, async (_req, res) => {
    jwks ??= prepareBody(JSON.stringify({ keys: [publicClientJwk(await key())] }), 'application/json');
    sendPrepared(res, jwks, headers);
  });
  return router;
}
