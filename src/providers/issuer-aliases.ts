import { decodeJwt } from 'jose';
import * as oauth from 'oauth4webapi';
import type { Configuration, IDToken, TokenEndpointResponse } from 'openid-client';
import type { ProviderDescription } from './description.js';
import { clientAuthentication, clientMetadata, plainHttpOnLoopbackOnly } from './engine-client.js';
import type { UpstreamTransaction } from './provider.js';
import type { ProviderContext } from './provider-context.js';

/** The token response and its validated ID token's claims, as the engine reads them from openid-client's. */
type ExchangedTokens = TokenEndpointResponse & { claims(): IDToken | undefined };

/** The `iss` the (not yet validated) ID token in a token response names, when it is one of `aliases`. */
async function namedAlias(response: Response, aliases: readonly string[]): Promise<string | undefined> {
  try {
    const body = (await response.json()) as { id_token?: unknown };
    const iss = typeof body.id_token === 'string' ? decodeJwt(body.id_token).iss : undefined;
    return iss !== undefined && aliases.includes(iss) ? iss : undefined;
  } catch {
    // Not a token response Byline can read: the validation below says what is wrong with it.
    return undefined;
  }
}

/**
 * The code exchange of a provider whose ID tokens may carry another `iss` than its issuer (Google's
 * legacy `accounts.google.com`: description.idTokenIssuerAliases). openid-client compares `iss` with its
 * Configuration's issuer and has no public way to accept another, so these are the same steps with
 * oauth4webapi (the layer openid-client is built on), whose functions take the server's metadata at each
 * call: the callback is checked against the issuer (state, RFC 9207 `iss`), the code exchanged, and the
 * response validated in full (signature against the provider's JWKS, `aud`, times, nonce) against the
 * alias its ID token names, or else against the issuer, which then refuses it.
 */
export function aliasedExchange(
  description: ProviderDescription,
  ctx: ProviderContext,
  aliases: readonly string[],
) {
  const auth = clientAuthentication(description.clientAuth);
  const client: oauth.Client = { client_id: description.clientId, ...clientMetadata(ctx) };
  // Filled by oauth4webapi on the first check and kept for the provider's life, as openid-client's is.
  const jwksCache: oauth.JWKSCacheInput = {};

  return async function exchange(
    config: Configuration,
    current: URL,
    redirectUri: string,
    upstream: UpstreamTransaction,
    expectedNonce: string | undefined,
  ): Promise<ExchangedTokens> {
    const { supportsPKCE: _, ...as } = config.serverMetadata();
    const insecure = plainHttpOnLoopbackOnly([
      as.authorization_endpoint,
      as.token_endpoint,
      as.userinfo_endpoint,
      as.jwks_uri,
    ]);
    const options = () => ({
      [oauth.customFetch]: ctx.fetch,
      [oauth.allowInsecureRequests]: insecure,
      signal: AbortSignal.timeout(ctx.upstreamTimeout),
    });
    const params = oauth.validateAuthResponse(as, client, current, upstream.state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      auth,
      params,
      redirectUri,
      upstream.codeVerifier ?? oauth.nopkce,
      options(),
    );
    const alias = await namedAlias(response.clone(), aliases);
    const server = alias === undefined ? as : { ...as, issuer: alias };
    const tokens = await oauth.processAuthorizationCodeResponse(server, client, response, {
      requireIdToken: true,
      ...(expectedNonce === undefined ? {} : { expectedNonce }),
    });
    // As the engine's openid-client configurations do (enableNonRepudiationChecks): see engine-client.ts.
    await oauth.validateApplicationLevelSignature(server, response, {
      ...options(),
      [oauth.jwksCache]: jwksCache,
    });
    const claims = oauth.getValidatedIdTokenClaims(tokens);
    return Object.assign(tokens, { claims: () => claims });
  };
}
