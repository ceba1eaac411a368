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

/** Stores a refresh token as the current one of `family`; neither outlives the site session. */
export async function storeRefreshToken(
  ctx: GatewayContext,
  familyId: string,
  family: Omit<RefreshFamily, 'current'>,
): Promise<string> {
  const token = randomId();
  const hash = secretHash(token);
  const ttl = Math.max(family.expires - ctx.clock.now(), 1);
  const record: RefreshTokenRecord = {
    family: familyId,
    site: family.site,
    sid: family.sid,
    expires: family.expires,
  };
  await ctx.store.set(keys.refreshToken(hash), record, ttl);
  await ctx.store.set(
    keys.refreshFamily(familyId),
    { ...family, current: hash } satisfies RefreshFamily,
    ttl,
  );
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
