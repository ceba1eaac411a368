import { mintAccessToken } from '../../tokens/access-token.js';
import { idTokenAlgorithmOf } from '../../tokens/algorithms.js';
import { claimsForScope, type ScopedClaims } from '../../tokens/claims.js';
import { mintIdToken } from '../../tokens/id-token.js';
import type { GatewayContext } from '../gateway-context.js';
import { refreshTokenFor } from './handles.js';
import type { LoginRecord, RefreshFamily, SiteSession } from './records.js';
import { siteClaims } from './sessions.js';

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  /** With the `openid` scope (OpenID Connect Core §3.1.3.3). */
  id_token?: string;
  /** The granted scopes, when the request named any. */
  scope?: string;
}

/** The claims a site session's tokens carry: its login's, as its scopes allow. */
function scopedClaims(ctx: GatewayContext, record: LoginRecord, session: SiteSession): ScopedClaims {
  return claimsForScope(siteClaims(ctx, record, session), session.scope, ctx.sites.get(session.site));
}

/** Mints an access token for site session `sid`, with the claims of its login its scopes allow. */
export function accessTokenFor(
  ctx: GatewayContext,
  sid: string,
  record: LoginRecord,
  session: SiteSession,
  nonce?: string,
  claims: ScopedClaims = scopedClaims(ctx, record, session),
): string {
  return mintAccessToken(ctx.keys, ctx.clock, {
    issuer: ctx.issuer,
    site: session.site,
    sid,
    claims,
    ttlMs: ctx.config.tokens.accessTtl,
    ...(nonce ? { nonce } : {}),
    ...(session.scope ? { scope: session.scope.join(' ') } : {}),
  });
}

/**
 * The ID token of a site session (Core §2): its `sub` and scoped claims as the access token has them, when
 * the reader logged in upstream, and `at_hash` of the access token it comes with. A refresh's ID token
 * carries no `nonce` (Core §12.2).
 */
function idTokenFor(
  ctx: GatewayContext,
  sid: string,
  record: LoginRecord,
  session: SiteSession,
  { sub, ...claims }: ScopedClaims,
  accessToken: string,
  nonce: string | undefined,
): Promise<string> {
  // Logins stored before auth_time was recorded began one session lifetime before they end.
  const authTime = record.authTime ?? record.expires - ctx.config.session.ttl;
  return mintIdToken(ctx.keys, ctx.clock, {
    issuer: ctx.issuer,
    audience: session.site,
    subject: sub,
    alg: idTokenAlgorithmOf(ctx.config, ctx.sites.get(session.site)),
    authTime: Math.floor(authTime / 1000),
    sid,
    ttlMs: ctx.config.tokens.accessTtl,
    ...(nonce ? { nonce } : {}),
    accessToken,
    claims,
  });
}

/**
 * The tokens of one grant for site session `sid`: an access token, refresh token `n` of its family, and
 * with the `openid` scope an ID token. `nonce` only at the code exchange.
 */
export async function issueTokens(
  ctx: GatewayContext,
  sid: string,
  record: LoginRecord,
  session: SiteSession,
  n: number,
  nonce?: string,
): Promise<TokenResponse> {
  const claims = scopedClaims(ctx, record, session);
  const accessToken = accessTokenFor(ctx, sid, record, session, nonce, claims);
  const response: TokenResponse = {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: Math.floor(ctx.config.tokens.accessTtl / 1000),
    refresh_token: refreshTokenFor(ctx.keys.rootSecret, sid, n),
  };
  if (session.scope?.includes('openid'))
    response.id_token = await idTokenFor(ctx, sid, record, session, claims, accessToken, nonce);
  if (session.scope) response.scope = session.scope.join(' ');
  return response;
}

/** A new refresh token family (its first token is number 0); it lives no longer than its login. */
export function newFamily(ctx: GatewayContext, record: LoginRecord, publicClient: boolean): RefreshFamily {
  const now = ctx.clock.now();
  return {
    n: 0,
    issued: now,
    publicClient,
    expires: Math.min(record.expires, now + ctx.config.tokens.refreshTtl),
  };
}
