import { mintAccessToken } from '../tokens/access-token.js';
import type { GatewayContext } from './context.js';
import {
  keys,
  type RefreshFamily,
  type RefreshTokenRecord,
  randomId,
  type SiteSession,
  secretHash,
} from './records.js';

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
  session: SiteSession,
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
 * Stores `token` (a new random one by default) as the current refresh token of `family`; neither outlives
 * the family, which never outlives its site session. The two writes go out together (one round trip).
 */
export async function storeRefreshToken(
  ctx: GatewayContext,
  familyId: string,
  family: Omit<RefreshFamily, 'current'>,
  token: string = randomId(),
): Promise<string> {
  const hash = secretHash(token);
  const now = ctx.clock.now();
  const ttl = Math.max(family.expires - now, 1);
  const record: RefreshTokenRecord = {
    family: familyId,
    site: family.site,
    sid: family.sid,
    issued: now,
    expires: family.expires,
  };
  await Promise.all([
    ctx.store.set(keys.refreshToken(hash), record, ttl),
    ctx.store.set(keys.refreshFamily(familyId), { ...family, current: hash } satisfies RefreshFamily, ttl),
  ]);
  return token;
}

/** The token response for a fresh login at a site: an access token and the first refresh token of a family. */
export async function issueTokens(
  ctx: GatewayContext,
  sid: string,
  session: SiteSession,
  options: { nonce?: string; publicClient: boolean },
): Promise<TokenResponse> {
  const accessToken = await accessTokenFor(ctx, sid, session, options.nonce);
  const expires = Math.min(session.expires, ctx.clock.now() + ctx.config.tokens.refreshTtl);
  const refreshToken = await storeRefreshToken(ctx, randomId(18), {
    site: session.site,
    sid,
    publicClient: options.publicClient,
    expires,
  });
  return {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: Math.floor(ctx.config.tokens.accessTtl / 1000),
    refresh_token: refreshToken,
  };
}
