import type { RequestHandler } from 'express';
import { jsonType, type PreparedBody, prepareBody, sendPrepared } from '../../http/send.js';
import { idTokenAlgorithms } from '../../tokens/algorithms.js';
import { supportedScopes } from '../../tokens/claims.js';
import type { GatewayContext } from '../gateway-context.js';

/** `GET /.well-known/openid-configuration`: built once, the contract sites and SDKs read. */
export function discoveryHandler(ctx: GatewayContext): RequestHandler {
  const issuer = ctx.issuer;
  const document = JSON.stringify({
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    userinfo_endpoint: `${issuer}/userinfo`,
    revocation_endpoint: `${issuer}/revoke`,
    introspection_endpoint: `${issuer}/introspect`,
    end_session_endpoint: `${issuer}/logout`,
    backchannel_logout_supported: true,
    backchannel_logout_session_supported: true,
    frontchannel_logout_supported: false,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    response_types_supported: ['code'],
    response_modes_supported: ['query', 'web_message', 'form_post'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    subject_types_supported: [ctx.config.tokens.subject],
    access_token_signing_alg_values_supported: [ctx.config.tokens.algorithm],
    id_token_signing_alg_values_supported: idTokenAlgorithms(ctx.config),
    scopes_supported: supportedScopes,
    claims_parameter_supported: false,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    prompt_values_supported: ['none', 'login', 'select_account', 'consent'],
    authorization_response_iss_parameter_supported: true,
    claims_supported: [
      'sub',
      'iss',
      'aud',
      'client_id',
      'azp',
      'exp',
      'iat',
      'auth_time',
      'at_hash',
      'jti',
      'sid',
      'scope',
      'idp',
      'name',
      'preferred_username',
      'picture',
      'website',
      'email',
      'email_verified',
      'nonce',
    ],
    idp_values_supported: [...ctx.providers.keys()],
  });
  const headers = { 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'public, max-age=3600' };
  const prepared = prepareBody(document, jsonType);
  return (_req, res) => sendPrepared(res, prepared, headers);
}

/** `GET /.well-known/jwks.json`: the public keys, cacheable for as long as a new key waits before signing. */
export function jwksHandler(ctx: GatewayContext): RequestHandler {
  const maxAge = Math.floor(ctx.config.keys.activationDelay / 1000);
  const headers = { 'Access-Control-Allow-Origin': '*', 'Cache-Control': `public, max-age=${maxAge}` };
  // KeyStore hands out the same JWKS object until the published keys change: serialise each one once.
  let cached: { jwks: object; prepared: PreparedBody } | undefined;
  return (_req, res) => {
    const jwks = ctx.keys.jwks();
    if (cached?.jwks !== jwks)
      cached = {
        jwks,
        prepared: prepareBody(JSON.stringify(jwks), 'application/jwk-set+json; charset=utf-8'),
      };
    sendPrepared(res, cached.prepared, headers);
  };
}
