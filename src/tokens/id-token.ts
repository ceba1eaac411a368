import { createHash } from 'node:crypto';
import { compactVerify, createLocalJWKSet } from 'jose';
import type { Clock } from '../clock.js';
import { signCompact } from './jws.js';
import type { KeyStore, SigningAlgorithm } from './keystore.js';

export interface IdTokenInput {
  issuer: string;
  /** The site's client_id: `aud` and `azp`. */
  audience: string;
  subject: string;
  alg: SigningAlgorithm;
  /** When the reader logged in upstream (seconds since the epoch). */
  authTime: number;
  sid: string;
  ttlMs: number;
  /** Exactly as the authorization request sent it; never on a refresh (Core §12.2). */
  nonce?: string;
  /** The access token issued with it, for `at_hash`. */
  accessToken?: string;
  /** The scoped profile claims and `idp`, copied as they are. */
  claims: Record<string, unknown>;
}

/**
 * The hash behind `at_hash` for each algorithm (Core §3.1.3.6: the hash of the JWS algorithm): SHA-256 for
 * ES256 and RS256, SHA-512 for EdDSA with Ed25519 (Ed25519 hashes with SHA-512; the Core errata and
 * oidc-token-hash, which oidc-provider uses, agree).
 */
const atHashAlgorithms: Record<SigningAlgorithm, string> = {
  ES256: 'sha256',
  RS256: 'sha256',
  EdDSA: 'sha512',
};

/** `at_hash` (Core §3.1.3.6): the left half of the access token's hash, base64url. */
export function atHash(accessToken: string, alg: SigningAlgorithm): string {
  const digest = createHash(atHashAlgorithms[alg]).update(accessToken, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

/**
 * Signs an OpenID Connect ID token (Core §2) with the active key of `input.alg`: header
 * `{ alg, kid, typ: 'JWT' }`, claims `iss sub aud azp exp iat auth_time nonce? sid at_hash?` and then the
 * profile claims. The profile claims never replace a protocol claim.
 */
export async function mintIdToken(keys: KeyStore, clock: Clock, input: IdTokenInput): Promise<string> {
  // An algorithm named by a config reload after the start gets its first key here, once.
  if (!keys.canSign(input.alg)) await keys.addAlgorithms([input.alg]);
  const key = keys.signingKey(input.alg);
  const iat = Math.floor(clock.now() / 1000);
  const protocol = {
    iss: input.issuer,
    sub: input.subject,
    aud: input.audience,
    azp: input.audience,
    exp: iat + Math.floor(input.ttlMs / 1000),
    iat,
    auth_time: input.authTime,
    ...(input.nonce === undefined ? {} : { nonce: input.nonce }),
    sid: input.sid,
    ...(input.accessToken === undefined ? {} : { at_hash: atHash(input.accessToken, key.alg) }),
  };
  // Spread twice: the protocol claims come first and keep their values whatever `claims` holds.
  return signCompact(key, 'JWT', { ...protocol, ...input.claims, ...protocol });
}

/** What an `id_token_hint` tells: the site it was issued to, and the site session and subject it names. */
export interface IdTokenHint {
  aud: string;
  sub: string;
  sid: string;
}

const hintKeySets = new WeakMap<object, ReturnType<typeof createLocalJWKSet>>();

/**
 * Checks one of Byline's own ID tokens presented back to it, as RP-Initiated Logout's `id_token_hint`:
 * signed by a key of the published key set, header `typ: JWT` (not an access or logout token), our
 * `iss`, a single `aud` and the `sub` and `sid` every ID token of ours carries. An expired token is fine
 * (Logout §2: the hint is often sent long after its exp), so `exp` is not compared with the clock.
 * Undefined for anything else; never throws.
 */
export async function verifyIdTokenHint(
  keys: KeyStore,
  token: string,
  options: { issuer: string },
): Promise<IdTokenHint | undefined> {
  if (token.length > 8192 || token.split('.').length !== 3) return undefined;
  const jwks = keys.everyPublicKey();
  let keySet = hintKeySets.get(jwks);
  if (!keySet) {
    keySet = createLocalJWKSet(jwks);
    hintKeySets.set(jwks, keySet);
  }
  try {
    const { payload, protectedHeader } = await compactVerify(token, keySet, {
      algorithms: ['ES256', 'EdDSA', 'RS256'],
    });
    if (protectedHeader.typ !== 'JWT') return undefined;
    const claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
    const { iss, aud, sub, sid } = claims;
    if (
      iss !== options.issuer ||
      typeof aud !== 'string' ||
      typeof sub !== 'string' ||
      typeof sid !== 'string'
    )
      return undefined;
    return { aud, sub, sid };
  } catch {
    return undefined;
  }
}
