import { createHash } from 'node:crypto';
import { base64url, SignJWT } from 'jose';

/** How the next ID token is made: a list of changes to a correct one. */
export interface IdTokenSpec {
  /** Merged over the correct protected header; `undefined` removes a member. */
  header?: Record<string, unknown>;
  /** Merged over the correct claims; `undefined` removes a claim. */
  claims?: Record<string, unknown>;
  /** Sign with a key the JWKS does not publish (the header still names the published kid). */
  unpublishedKey?: boolean;
  /** Flip bits in the signature after signing. */
  corruptSignature?: boolean;
  /** Send exactly this as the id_token. */
  raw?: string;
}

/**
 * An ID token with these claims and protected header (members that are `undefined` removed), signed
 * with `key`; `alg` none (or None) gives an unsigned one and HS256 one MACed with the client secret, as
 * a confused verifier might accept; `corrupt` flips bits in the signature.
 */
export async function signIdToken(
  claimsIn: Record<string, unknown>,
  headerIn: Record<string, unknown>,
  key: CryptoKey,
  clientSecret: string,
  corrupt = false,
): Promise<string> {
  const defined = (record: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
  const claims = defined(claimsIn);
  const header = defined({ typ: 'JWT', ...headerIn });
  let token: string;
  if (header.alg === 'none' || header.alg === 'None' || header.alg === 'HS256') {
    const encode = (value: unknown) => base64url.encode(JSON.stringify(value));
    const body = `${encode(header)}.${encode(claims)}`;
    const mac =
      header.alg === 'HS256'
        ? createHash('sha256').update(clientSecret).update(body).digest('base64url')
        : '';
    token = `${body}.${mac}`;
  } else {
    token = await new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(key);
  }
  if (!corrupt) return token;
  const [h, p, s = ''] = token.split('.');
  return `${h}.${p}.${s.startsWith('A') ? `B${s.slice(1)}` : `A${s.slice(1)}`}`;
}
