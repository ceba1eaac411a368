import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, errors, jwtVerify } from 'jose';
import type { Clock } from '../clock.js';
import type { ScopedClaims } from './claims.js';
import { signCompact } from './jws.js';
import type { KeyStore } from './keystore.js';

export interface AccessTokenInput {
  issuer: string;
  site: string;
  sid: string;
  claims: ScopedClaims;
  ttlMs: number;
  nonce?: string;
  /** The granted scopes (RFC 9068 §2.2.3), space-separated; absent for a request that named none. */
  scope?: string;
}

export interface AccessTokenClaims extends ScopedClaims {
  iss: string;
  aud: string;
  client_id: string;
  sid: string;
  jti: string;
  iat: number;
  exp: number;
  nonce?: string;
  scope?: string;
}

/**
 * Signs a commenter access token (RFC 9068 `at+jwt`) with the active key (jws.ts: node:crypto's
 * one-shot `sign`, a measured ~45 µs less per token than jose's WebCrypto path in Node 20; see
 * docs/performance.md). Every token is still verified with jose, here and in byline-verify.
 */
export function mintAccessToken(keys: KeyStore, clock: Clock, input: AccessTokenInput): string {
  const iat = Math.floor(clock.now() / 1000);
  const payload: AccessTokenClaims = {
    ...input.claims,
    client_id: input.site,
    sid: input.sid,
    ...(input.nonce ? { nonce: input.nonce } : {}),
    ...(input.scope ? { scope: input.scope } : {}),
    iss: input.issuer,
    aud: input.site,
    iat,
    exp: iat + Math.floor(input.ttlMs / 1000),
    jti: randomUUID(),
  };
  return signCompact(keys.signingKey(), 'at+jwt', payload);
}

const localSets = new WeakMap<object, ReturnType<typeof createLocalJWKSet>>();

/** The key set function for the current JWKS object; KeyStore hands out the same object until keys change. */
function localKeySet(keys: KeyStore): ReturnType<typeof createLocalJWKSet> {
  const jwks = keys.jwks();
  let set = localSets.get(jwks);
  if (!set) {
    set = createLocalJWKSet(jwks);
    localSets.set(jwks, set);
  }
  return set;
}

export type AccessTokenCheck = { ok: true; claims: AccessTokenClaims } | { ok: false; expired: boolean };

/**
 * Tokens that passed the full check, by their exact string, per published key set (a new key set, on
 * rotation or removal of a key, starts an empty cache). A hit skips the signature (the same bytes
 * verified before) but still checks `exp` and `nbf` against the clock, exactly as jwtVerify does; the
 * callers (/userinfo, /introspect) look the site session up on every request, so a revoked or
 * logged-out token stops working at once, hit or miss (DESIGN.md: "Performance freedom").
 */
const verifiedTokens = new WeakMap<object, Map<string, { issuer: string; claims: AccessTokenClaims }>>();
/** Bounds the cache; the oldest entry goes first (each lives at most `tokens.accessTtl` anyway). */
const maxVerifiedTokens = 10_000;

function verifiedTokensFor(keys: KeyStore): Map<string, { issuer: string; claims: AccessTokenClaims }> {
  const jwks = keys.jwks();
  let cache = verifiedTokens.get(jwks);
  if (!cache) {
    cache = new Map();
    verifiedTokens.set(jwks, cache);
  }
  return cache;
}

/** Verifies one of our own access tokens (for /userinfo and /introspect); never throws. */
export async function verifyAccessToken(
  keys: KeyStore,
  clock: Clock,
  token: string,
  options: { issuer: string; clockSkewMs: number },
): Promise<AccessTokenCheck> {
  // Far larger than any token we mint; refuse before any parsing or crypto.
  if (token.length > 8192 || token.split('.').length !== 3) return { ok: false, expired: false };
  const tolerance = Math.floor(options.clockSkewMs / 1000);
  const cache = verifiedTokensFor(keys);
  const hit = cache.get(token);
  if (hit && hit.issuer === options.issuer) {
    const now = Math.floor(clock.now() / 1000);
    const { exp, nbf } = hit.claims as AccessTokenClaims & { nbf?: number };
    if (exp <= now - tolerance) {
      cache.delete(token);
      return { ok: false, expired: true };
    }
    if (nbf === undefined || nbf <= now + tolerance) return { ok: true, claims: hit.claims };
  }
  try {
    const { payload } = await jwtVerify(token, localKeySet(keys), {
      issuer: options.issuer,
      typ: 'at+jwt',
      algorithms: ['ES256', 'EdDSA', 'RS256'],
      clockTolerance: tolerance,
      currentDate: new Date(clock.now()),
      requiredClaims: ['sub', 'aud', 'exp', 'iat', 'sid', 'client_id'],
    });
    // Every token we mint names its site twice; a token whose aud is not its client_id is not ours.
    if (typeof payload.aud !== 'string' || payload.aud !== payload.client_id)
      return { ok: false, expired: false };
    // Shared by every later hit: frozen, so no caller can change what the next one reads.
    const claims = Object.freeze(payload) as unknown as AccessTokenClaims;
    if (cache.size >= maxVerifiedTokens) cache.delete(cache.keys().next().value as string);
    cache.set(token, { issuer: options.issuer, claims });
    return { ok: true, claims };
  } catch (error) {
    return { ok: false, expired: error instanceof errors.JWTExpired };
  }
}
