import { BylineError } from '../http/errors.js';
import type { StoreWrite } from '../store/store.js';
import { mintAccessToken } from '../tokens/access-token.js';
import type { CommenterClaims } from '../tokens/claims.js';
import type { GatewayContext } from './context.js';
import { keys, type RefreshFamily, randomId, type SiteSession, secretHash } from './records.js';

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
}

/** Mints an access token for a site session. */
export function accessTokenFor(
  ctx: GatewayContext,
  sid: string,
  session: { site: string; claims: CommenterClaims },
  nonce?: string,
): Promise<string> {
  return mintAccessToken(ctx.keys, ctx.clock, {
    issuer: ctx.issuer,
    site: session.site,
    sid,
    claims: session.claims,
    ttlMs: ctx.config.tokens.accessTtl,
    ...(nonce ? { nonce } : {}),
  });
}

/**
 * A new refresh token of `familyId`: `<family id>.<secret>`. Naming its family lets a refresh read the
 * family and the token's record in one round trip.
 */
export function newRefreshToken(familyId: string): string {
  return `${familyId}.${randomId()}`;
}

/** The write that makes `token` the current refresh token of `family`; nothing outlives the family. */
export function refreshTokenWrite(
  ctx: GatewayContext,
  familyId: string,
  family: Omit<RefreshFamily, 'current' | 'issued'>,
  token: string,
): StoreWrite {
  const now = ctx.clock.now();
  return {
    op: 'set',
    key: keys.refreshFamily(familyId),
    value: { ...family, current: secretHash(token), issued: now } satisfies RefreshFamily,
    ttlMs: Math.max(family.expires - now, 1),
  };
}

/** How long a redeemed code is remembered, so a replay can end the login it started (RFC 6749 §4.1.2). */
export const usedCodeTtlMs = 10 * 60_000;

/**
 * The token response for a fresh login at a site: an access token and the first refresh token of a new
 * family, stored in one batch together with `writes`. For a redeemed code (`codeHash`) the batch is a
 * claim: it also records the code as used, and it lands only while the site session still exists.
 */
export async function issueTokens(
  ctx: GatewayContext,
  sid: string,
  session: SiteSession,
  options: { nonce?: string; publicClient: boolean; writes?: StoreWrite[]; codeHash?: string },
): Promise<TokenResponse> {
  const accessToken = await accessTokenFor(ctx, sid, session, options.nonce);
  // One family per site session, named after it, so a refresh reads both in one round trip.
  const familyId = sid;
  const refreshToken = newRefreshToken(familyId);
  const family = {
    site: session.site,
    publicClient: options.publicClient,
    expires: Math.min(session.expires, ctx.clock.now() + ctx.config.tokens.refreshTtl),
  };
  const writes = [...(options.writes ?? []), refreshTokenWrite(ctx, familyId, family, refreshToken)];
  if (options.codeHash === undefined) await ctx.store.write(writes);
  else {
    const result = await ctx.store.claim(
      { key: keys.usedCode(options.codeHash), value: { sid }, ttlMs: usedCodeTtlMs },
      writes,
      [keys.siteSession(sid)],
    );
    if (result !== 'claimed') throw new BylineError('invalid_grant', 'The login session has ended.');
  }
  return {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: Math.floor(ctx.config.tokens.accessTtl / 1000),
    refresh_token: refreshToken,
  };
}
