import { mintAccessToken } from '../../tokens/access-token.js';
import type { GatewayContext } from '../gateway-context.js';
import { refreshTokenFor } from './handles.js';
import type { LoginRecord, RefreshFamily, SiteSession } from './records.js';
import { siteClaims } from './sessions.js';

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
}

/** Mints an access token for site session `sid`, with the claims of its login. */
export function accessTokenFor(
  ctx: GatewayContext,
  sid: string,
  record: LoginRecord,
  session: SiteSession,
  nonce?: string,
): Promise<string> {
  return mintAccessToken(ctx.keys, ctx.clock, {
    issuer: ctx.issuer,
    site: session.site,
    sid,
    claims: siteClaims(ctx, record, session),
    ttlMs: ctx.config.tokens.accessTtl,
    ...(nonce ? { nonce } : {}),
  });
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

/** The token response for an access token and refresh token `n` of site session `sid`. */
export function tokenResponse(
  ctx: GatewayContext,
  sid: string,
  accessToken: string,
  n: number,
): TokenResponse {
  return {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: Math.floor(ctx.config.tokens.accessTtl / 1000),
    refresh_token: refreshTokenFor(ctx.keys.subjectKey, sid, n),
  };
}
