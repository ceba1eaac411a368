import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { BylineError } from '../http/errors.js';
import { requiredParam } from '../http/params.js';
import type { AuthenticatedClient } from './client-auth.js';
import type { GatewayContext } from './context.js';
import { accessTokenFor, newRefreshToken, refreshTokenWrite, type TokenResponse } from './issue.js';
import { keys, type RefreshFamily, type RefreshRotation, type SiteSession, secretHash } from './records.js';
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
 * once) the caller gets the very pair the first use got, as long as that successor is still the
 * family's current token; otherwise this is RFC 9700 §4.14 reuse: the family and its site session end.
 */
async function reused(
  ctx: GatewayContext,
  token: string,
  hash: string,
  sid: string,
  family: RefreshFamily,
  rotation: RefreshRotation,
): Promise<TokenResponse> {
  const grace = ctx.config.tokens.refreshReuseGrace;
  const now = ctx.clock.now();
  if (grace > 0 && rotation.sealed && now - rotation.at <= grace) {
    const pair = unseal(rotation.sealed, token);
    if (pair && [hash, secretHash(pair.refresh_token)].includes(family.current)) {
      return {
        access_token: pair.access_token,
        token_type: 'Bearer',
        expires_in: Math.max(0, Math.floor(((rotation.accessExpires ?? now) - now) / 1000)),
        refresh_token: pair.refresh_token,
      };
    }
  }
  await endSiteSession(ctx, sid);
  ctx.log.warn(
    { site: family.site },
    'a rotated refresh token was used again; its family and site session were ended',
  );
  throw invalidGrant('The refresh token was already used; the login has been ended.');
}

/** The mark of a rotated token; a token of the family with no mark was never ours. */
async function rotationOf(ctx: GatewayContext, hash: string): Promise<RefreshRotation> {
  const rotation = await ctx.store.get<RefreshRotation>(keys.refreshRotated(hash));
  if (!rotation) throw invalidGrant();
  return rotation;
}

function assertClient(family: RefreshFamily, client: AuthenticatedClient): void {
  if (!family.publicClient && !client.confidential)
    throw new BylineError('invalid_client', 'This refresh token can only be used with the site secret.');
}

/**
 * `grant_type=refresh_token` (RFC 6749 §6, with RFC 9700 §4.14 rotation): every use returns a new
 * refresh token and a new access token. Two store round trips: one read of the family and its site
 * session, then one claim of the token's rotation mark that stores the successor only if this request
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
  const familyKey = keys.refreshFamily(familyId);
  // A site session has one family, named after it (issueTokens): both are read in one round trip.
  const [family, session] = (await ctx.store.getMany([familyKey, keys.siteSession(familyId)])) as [
    RefreshFamily | undefined,
    SiteSession | undefined,
  ];
  const now = ctx.clock.now();
  if (!family || family.expires <= now) throw invalidGrant();
  // Another site's token is refused and left alone: a site can neither use nor end another site's
  // login (the same rule as /revoke), and the owner's next refresh still works.
  if (family.site !== client.site.id) throw invalidGrant();
  const hash = secretHash(token);
  if (family.current !== hash) {
    // A made-up secret for a known family is refused without touching the family.
    const rotation = await rotationOf(ctx, hash);
    assertClient(family, client);
    return reused(ctx, token, hash, familyId, family, rotation);
  }
  assertClient(family, client);
  if (!session || session.expires <= now) return sessionEnded(ctx, familyKey);

  const accessToken = await accessTokenFor(ctx, familyId, session);
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
  const { current: _, issued: __, ...rest } = family;
  // The mark is kept as long as the family, so a reuse is recognised for the family's whole life.
  const result = await ctx.store.claim(
    { key: keys.refreshRotated(hash), value: rotation, ttlMs: Math.max(family.expires - now, 1) },
    [refreshTokenWrite(ctx, familyId, rest, successor)],
    [keys.siteSession(familyId)],
  );
  if (result === 'taken') {
    // A concurrent use won the rotation: this one is reuse, or within the grace gets the same answer.
    const [latest, rotation] = (await ctx.store.getMany([familyKey, keys.refreshRotated(hash)])) as [
      RefreshFamily | undefined,
      RefreshRotation | undefined,
    ];
    if (!latest || !rotation) throw invalidGrant();
    return reused(ctx, token, hash, familyId, latest, rotation);
  }
  if (result === 'missing') return sessionEnded(ctx, familyKey);
  return response;
}

/** The family's site session has ended (logout, revocation, deletion): the family goes with it. */
async function sessionEnded(ctx: GatewayContext, familyKey: string): Promise<never> {
  await ctx.store.delete(familyKey);
  throw invalidGrant('The login session has ended.');
}
