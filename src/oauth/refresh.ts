import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { BylineError } from '../http/errors.js';
import { requiredParam } from '../http/params.js';
import type { AuthenticatedClient } from './client-auth.js';
import type { GatewayContext } from './context.js';
import { accessTokenFor, storeRefreshToken, type TokenResponse } from './issue.js';
import {
  keys,
  type RefreshFamily,
  type RefreshRotation,
  type RefreshTokenRecord,
  randomId,
  type SiteSession,
  secretHash,
} from './records.js';
import { endSiteSession, liveSiteSession } from './sessions.js';

/** What `randomId()` makes: 32 random bytes, base64url. Anything else is not one of ours. */
export const refreshTokenPattern = /^[A-Za-z0-9_-]{43}$/;

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
): Promise<TokenResponse> {
  const grace = ctx.config.tokens.refreshReuseGrace;
  if (grace > 0) {
    const [rotation, current] = await Promise.all([
      ctx.store.get<RefreshRotation>(keys.refreshRotated(hash)),
      ctx.store.get<RefreshFamily>(keys.refreshFamily(record.family)),
    ]);
    const now = ctx.clock.now();
    const pair = rotation?.sealed && now - rotation.at <= grace ? unseal(rotation.sealed, token) : undefined;
    // The winner may not have stored the successor yet: the family's current token is then still ours.
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

/** The access token and successor refresh token for one rotation, made before the rotation is claimed. */
async function successorPair(
  ctx: GatewayContext,
  sid: string,
  session: SiteSession,
): Promise<{ response: TokenResponse; accessExpires: number }> {
  const now = ctx.clock.now();
  const ttlSeconds = Math.floor(ctx.config.tokens.accessTtl / 1000);
  return {
    response: {
      access_token: await accessTokenFor(ctx, sid, session),
      token_type: 'Bearer',
      expires_in: ttlSeconds,
      refresh_token: randomId(),
    },
    // The JWT's exp, as mintAccessToken computes it.
    accessExpires: (Math.floor(now / 1000) + ttlSeconds) * 1000,
  };
}

/**
 * `grant_type=refresh_token` (RFC 6749 §6, with RFC 9700 §4.14 rotation): every use returns a new
 * refresh token and a new access token. The rotation is claimed with one atomic `add` of the
 * token's rotation mark, so of any number of concurrent uses, on any number of instances, exactly one
 * rotates; the others are reuse (or, within the grace, get the same answer).
 */
export async function refreshGrant(
  ctx: GatewayContext,
  body: Record<string, unknown>,
  client: AuthenticatedClient,
): Promise<TokenResponse> {
  const token = requiredParam(body, 'refresh_token', { max: 256 });
  if (!refreshTokenPattern.test(token)) throw invalidGrant();
  const hash = secretHash(token);
  const record = await ctx.store.get<RefreshTokenRecord>(keys.refreshToken(hash));
  const now = ctx.clock.now();
  if (!record || record.expires <= now) throw invalidGrant();
  // Another site's token is refused and left alone: a site can neither use nor end another site's
  // login (the same rule as /revoke), and the owner's next refresh still works.
  if (record.site !== client.site.id) throw invalidGrant();
  const [family, session] = await Promise.all([
    ctx.store.get<RefreshFamily>(keys.refreshFamily(record.family)),
    liveSiteSession(ctx, record.sid),
  ]);
  if (!family || family.expires <= now || family.sid !== record.sid) throw invalidGrant();
  if (!family.publicClient && !client.confidential)
    throw new BylineError('invalid_client', 'This refresh token can only be used with the site secret.');
  if (!session || session.site !== record.site) {
    await ctx.store.delete(keys.refreshFamily(record.family));
    throw invalidGrant('The login session has ended.');
  }
  if (family.current !== hash) return reused(ctx, token, hash, record);

  const { response, accessExpires } = await successorPair(ctx, record.sid, session);
  const grace = ctx.config.tokens.refreshReuseGrace;
  const rotation: RefreshRotation = {
    at: now,
    ...(grace > 0
      ? {
          sealed: seal({ access_token: response.access_token, refresh_token: response.refresh_token }, token),
          accessExpires,
        }
      : {}),
  };
  // Kept as long as the family, so a reuse is recognised for the family's whole life.
  const claimed = await ctx.store.add(keys.refreshRotated(hash), rotation, Math.max(family.expires - now, 1));
  if (!claimed) return reused(ctx, token, hash, record);
  await storeRefreshToken(
    ctx,
    record.family,
    { site: family.site, sid: family.sid, publicClient: family.publicClient, expires: family.expires },
    response.refresh_token,
  );
  return response;
}
