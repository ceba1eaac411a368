import type { KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Clock } from '../clock.js';

/** The `aud` Apple requires in a client secret. */
const audience = 'https://appleid.apple.com';

/**
 * How long a minted secret is valid (s). Apple accepts up to six months (15 777 000 s); an hour keeps
 * a secret that leaks (a proxy's log, a crash dump) short-lived at the cost of one signature an hour.
 */
export const clientSecretLifetime = 3600;

/** A secret with less than this left (s) is replaced, so none expires on its way to Apple. */
export const clientSecretRenewal = 600;

export interface AppleClientSecretOptions {
  /** The Apple Developer Team ID: `iss`. */
  teamId: string;
  /** The key's id: the header's `kid`. */
  keyId: string;
  /** The Services ID: `sub` (and the request's client_id). */
  clientId: string;
  /** The Sign in with Apple private key (the .p8, EC P-256). */
  key: KeyObject;
  clock: Clock;
}

/**
 * Sign in with Apple's client secret: an ES256 JWT Byline signs with the .p8 key (`kid` in the header;
 * `iss` the team, `sub` the Services ID, `aud` Apple, `iat`, `exp`). The function answers the same
 * secret until it is within `clientSecretRenewal` of expiring, then mints the next.
 */
export function appleClientSecret(options: AppleClientSecretOptions): () => Promise<string> {
  const { teamId, keyId, clientId, key, clock } = options;
  let current: { secret: Promise<string>; expires: number } | undefined;
  return () => {
    const now = Math.floor(clock.now() / 1000);
    if (current === undefined || current.expires - now <= clientSecretRenewal) {
      const expires = now + clientSecretLifetime;
      const secret = new SignJWT({})
        .setProtectedHeader({ alg: 'ES256', kid: keyId })
        .setIssuer(teamId)
        .setSubject(clientId)
        .setAudience(audience)
        .setIssuedAt(now)
        .setExpirationTime(expires)
        .sign(key);
      current = { secret, expires };
    }
    return current.secret;
  };
}
