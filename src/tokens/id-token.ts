import { createHash } from 'node:crypto';
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
