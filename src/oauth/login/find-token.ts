import { type AccessTokenClaims, verifyAccessToken } from '../../tokens/access-token.js';
import type { GatewayContext } from '../gateway-context.js';
import { readRefreshToken } from './handles.js';
import { type LiveSiteSession, liveSiteSession } from './sessions.js';

/** A token presented to /revoke or /introspect, as far as Byline knows it. */
export type FoundToken =
  | { type: 'access_token'; site: string; sid: string; claims: AccessTokenClaims }
  | {
      type: 'refresh_token';
      site: string;
      sid: string;
      number: number;
      live: LiveSiteSession;
    };

/**
 * Finds one of our tokens. Access tokens are JWTs verified with our own keys (expired ones are not
 * found; whether their site session still lives is the caller's question). A refresh token carries its
 * own MAC (handles.ts) and is found while its family lives, with its site session as read. The two
 * shapes cannot be confused, so `token_type_hint` (RFC 7009 §2.1) is accepted but not needed.
 */
export async function findToken(ctx: GatewayContext, token: string): Promise<FoundToken | undefined> {
  const refresh = readRefreshToken(ctx.keys.rootSecret, token);
  if (refresh) {
    const found = await liveSiteSession(ctx, refresh.sid);
    const family = found?.session.refresh;
    if (!found || !family || family.expires <= ctx.clock.now()) return undefined;
    return {
      type: 'refresh_token',
      site: found.session.site,
      sid: refresh.sid,
      number: refresh.number,
      live: found,
    };
  }
  const result = await verifyAccessToken(ctx.keys, ctx.clock, token, {
    issuer: ctx.issuer,
    clockSkewMs: ctx.config.tokens.clockSkew,
  });
  if (!result.ok) return undefined;
  return {
    type: 'access_token',
    site: result.claims.client_id,
    sid: result.claims.sid,
    claims: result.claims,
  };
}
