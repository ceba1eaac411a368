import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { BylineError } from '../http/errors.js';
import { requiredParam } from '../http/params.js';
import type { AuthenticatedClient } from './client-auth.js';
import type { GatewayContext } from './context.js';
import { accessTokenFor, newRefreshToken, refreshTokenWrites, type TokenResponse } from './issue.js';
import {
  keys,
  type RefreshFamily,
  type RefreshRotation,
  type RefreshTokenRecord,
  secretHash,
} from './records.js';
import { endSiteSession } from './sessions.js';

/** `<family id>.<secret>` as newRefreshToken makes them. Anything else is not one of ours. */
export const refreshTokenPattern = /^([A-Za-z0-9_-]{24})\.[A-Za-z0-9_-]{43}$/;

function invalidGrant(message = 'The refresh token is invalid, expired or revoked.'): BylineError {
  return new BylineError('invalid_grant', message);
}

// A graced reuse is answered with the successor pair the first use received. The store keeps it sealed
// under a key derived from the rotated token (domain-separated from the token's store hash), so a store
// dump alone yields nothing usable; only whoever presents the rotated token can open it.
function graceKey(token: string): Buffer {
  return createHash('sha256').update('byline refresh grace\0').update(token).digest();
}

interface SealedPair {
  access_token: string;
  refresh_token: string;
}

function seal(pair: SealedPair, token: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', graceKey(token), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(pair), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

function unseal(sealed: string, token: string): SealedPair | undefined {
  try {
    const data = Buffer.from(sealed, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', graceKey(token), data.subarray(0, 12));
    decipher.setAuthTag(data.subarray(data.length - 16));
    const json = Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
    return JSON.parse(json.toString('utf8')) as SealedPair;
  } catch {
    return undefined;
  }
}

/**
 * A rotated token came back. Within `tokens.refreshReuseGrace` of its rotation (two tabs refreshing at
 * once) the caller gets the very pair the first use got, as long as that successor is still the family's
 * current token; otherwise this is RFC 9700 §4.14 reuse: the family and its site session end.
 */
async function reused(
  ctx: GatewayContext,
  token: string,
  hash: string,
  record: RefreshTokenRecord,
  current: RefreshFamily | undefined,
): Promise<TokenResponse> {
  const grace = ctx.config.tokens.refreshReuseGrace;
  if (grace > 0) {
    const rotation = await ctx.store.get<RefreshRotation>(keys.refreshRotated(hash));
    const now = ctx.clock.now();
    const pair = rotation?.sealed && now - rotation.at <= grace ? unseal(rotation.sealed, token) : undefined;
    if (pair && current && [hash, secretHash(pair.refresh_token)].includes(current.current)) {
      return {
        access_token: pair.access_token,
        token_type: 'Bearer',
        expires_in: Math.max(0, Math.floor(((rotation?.accessExpires ?? now) - now) / 1000)),
        refresh_token: pair.refresh_token,
      };
    }
  }
  await endSiteSession(ctx, record.sid, record.family);
  ctx.log.warn(
    { site: record.site },
    'a rotated refresh token was used again; its family and site session were ended',
  );
  throw invalidGrant('The refresh token was already used; the login has been ended.');
}

/**
 * `grant_type=refresh_token` (RFC 6749 §6, with RFC 9700 §4.14 rotation): every use returns a new
 * refresh token and a new access token. Two store round trips: one read of the family and the token's
 * record, then one claim of the token's rotation mark that stores the successor only if this request
 * won the rotation (of any number of concurrent uses, on any number of instances, exactly one does) and
 * the site session still exists. The losers are reuse, or within the grace get the same answer.
 */
export async function refreshGrant(
  ctx: GatewayContext,
  body: Record<string, unknown>,
  client: AuthenticatedClient,
): Promise<TokenResponse> {
  const token = requiredParam(body, 'refresh_token', { max: 256 });
  const familyId = refreshTokenPattern.exec(token)?.[1];
  if (!familyId) throw invalidGrant();
  const hash = secretHash(token);
  const [family, record] = (await ctx.store.getMany([
    keys.refreshFamily(familyId),
    keys.refreshToken(hash),
  ])) as [RefreshFamily | undefined, RefreshTokenRecord | undefined];
  const now = ctx.clock.now();
  // A token we never issued (a forged secret for a known family) is refused without touching the family.
  if (!record || record.family !== familyId || record.expires <= now) throw invalidGrant();
  // Another site's token is refused and left alone: a site can neither use nor end another site's
  // login (the same rule as /revoke), and the owner's next refresh still works.
  if (record.site !== client.site.id) throw invalidGrant();
  if (!family || family.expires <= now || family.sid !== record.sid) throw invalidGrant();
  if (!family.publicClient && !client.confidential)
    throw new BylineError('invalid_client', 'This refresh token can only be used with the site secret.');
  if (family.current !== hash) return reused(ctx, token, hash, record, family);

  const accessToken = await accessTokenFor(ctx, family.sid, family);
  const successor = newRefreshToken(familyId);
  const ttlSeconds = Math.floor(ctx.config.tokens.accessTtl / 1000);
  const response: TokenResponse = {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: ttlSeconds,
    refresh_token: successor,
  };
  const grace = ctx.config.tokens.refreshReuseGrace;
  const rotation: RefreshRotation = {
    at: now,
    ...(grace > 0
      ? {
          sealed: seal({ access_token: accessToken, refresh_token: successor }, token),
          // The JWT's exp, as mintAccessToken computes it.
          accessExpires: (Math.floor(now / 1000) + ttlSeconds) * 1000,
        }
      : {}),
  };
  const { current: _, ...rest } = family;
  // The mark is kept as long as the family, so a reuse is recognised for the family's whole life.
  const result = await ctx.store.claim(
    { key: keys.refreshRotated(hash), value: rotation, ttlMs: Math.max(family.expires - now, 1) },
    refreshTokenWrites(ctx, familyId, rest, successor),
    [keys.siteSession(family.sid)],
  );
  if (result === 'taken')
    return reused(ctx, token, hash, record, await ctx.store.get(keys.refreshFamily(familyId)));
  if (result === 'missing') {
    await ctx.store.delete(keys.refreshFamily(familyId));
    throw invalidGrant('The login session has ended.');
  }
  return response;
}
