import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, errors, jwtVerify, SignJWT } from 'jose';
import type { Clock } from '../clock.js';
import type { CommenterClaims } from './claims.js';
import type { KeyStore } from './keystore.js';

export interface AccessTokenInput {
  issuer: string;
  site: string;
  sid: string;
  claims: CommenterClaims;
  ttlMs: number;
  nonce?: string;
}

export interface AccessTokenClaims extends CommenterClaims {
  iss: string;
  aud: string;
  client_id: string;
  sid: string;
  jti: string;
  iat: number;
  exp: number;
  nonce?: string;
}

/** Signs a commenter access token (RFC 9068 `at+jwt`) with the active key. */
export async function mintAccessToken(
  keys: KeyStore,
  clock: Clock,
  input: AccessTokenInput,
): Promise<string> {
  const { kid, alg, key } = keys.signingKey();
  const iat = Math.floor(clock.now() / 1000);
  const payload: Omit<AccessTokenClaims, 'iss' | 'aud' | 'iat' | 'exp' | 'jti'> = {
    ...input.claims,
    client_id: input.site,
    sid: input.sid,
    ...(input.nonce ? { nonce: input.nonce } : {}),
  };
  return new SignJWT(payload)
    .setProtectedHeader({ alg, kid, typ: 'at+jwt' })
    .setIssuer(input.issuer)
    .setAudience(input.site)
    .setIssuedAt(iat)
    .setExpirationTime(iat + Math.floor(input.ttlMs / 1000))
    .setJti(randomUUID())
    .sign(key);
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

/** Verifies one of our own access tokens (for /userinfo and /introspect); never throws. */
export async function verifyAccessToken(
  keys: KeyStore,
  clock: Clock,
  token: string,
  options: { issuer: string; clockSkewMs: number },
): Promise<AccessTokenCheck> {
  // Far larger than any token we mint; refuse before any parsing or crypto.
  if (token.length > 8192 || token.split('.').length !== 3) return { ok: false, expired: false };
  try {
    const { payload } = await jwtVerify(token, localKeySet(keys), {
      issuer: options.issuer,
      typ: 'at+jwt',
      algorithms: ['ES256', 'EdDSA', 'RS256'],
      clockTolerance: Math.floor(options.clockSkewMs / 1000),
      currentDate: new Date(clock.now()),
      requiredClaims: ['sub', 'aud', 'exp', 'iat', 'sid', 'client_id'],
    });
    return { ok: true, claims: payload as unknown as AccessTokenClaims };
  } catch (error) {
    return { ok: false, expired: error instanceof errors.JWTExpired };
  }
}
