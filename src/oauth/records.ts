import { createHash, randomFillSync } from 'node:crypto';
import type { Identity } from '../providers/provider.js';
import type { CommenterClaims } from '../tokens/claims.js';

/** Store key prefixes, in one place so the Redis layout is readable. */
export const keys = {
  authorizationRequest: (id: string) => `ar:${id}`,
  transaction: (state: string) => `tx:${state}`,
  browserSession: (id: string) => `bs:${id}`,
  siteSession: (sid: string) => `ss:${sid}`,
  code: (hash: string) => `code:${hash}`,
  usedCode: (hash: string) => `code-used:${hash}`,
  /**
   * Written once (claim) by the one request that rotates a refresh token, kept as long as its family:
   * what tells a rotated token of ours (reuse) from a made-up one.
   */
  refreshRotated: (hash: string) => `rt-used:${hash}`,
  refreshFamily: (id: string) => `rf:${id}`,
  /** Set: the store keys of the site sessions started under one browser session (for /logout). */
  browserSiteSessions: (id: string) => `bs-sites:${id}`,
  /** A Facebook data deletion request, by its confirmation code. */
  deletion: (code: string) => `deletion:${code}`,
  /** Set: the store keys of every session of one public subject (for provider-initiated deletion). */
  subjectSessions: (publicSub: string) => `subject:${publicSub}`,
};

// Random bytes drawn 4 KiB at a time (as Node does for randomUUID): one randomBytes call per id cost
// several times the id itself. Bytes are used once and zeroed as they are handed out.
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

/** A random URL-safe identifier with `bytes` (at most 256) of entropy, from the CSPRNG. */
export function randomId(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < 1 || bytes > 256) throw new TypeError('randomId: 1 to 256 bytes');
  if (poolOffset + bytes > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const id = pool.toString('base64url', poolOffset, poolOffset + bytes);
  pool.fill(0, poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  return id;
}

/** Codes and refresh tokens are stored under their hash, so a store dump reveals no usable secret. */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

/** How long a reader may take to choose and finish a login. */
export const loginTtlMs = 10 * 60_000;

export type ResponseMode = 'query' | 'web_message';

/** A validated /authorize request, waiting for the reader to log in. */
export interface AuthorizationRequest {
  id: string;
  site: string;
  redirectUri: string;
  responseMode: ResponseMode;
  state: string;
  codeChallenge: string;
  nonce?: string;
  forceLogin: boolean;
  /** Hash of the browser's `byline_tx` cookie: the request belongs to that browser only. */
  binding: string;
  expires: number;
}

/** One trip to one provider, keyed by the upstream `state`; it ends and is bound as its request is. */
export interface LoginTransaction {
  request: AuthorizationRequest;
  provider: string;
  /** What the strategy put in `req.session[sessionKey]` (its state, nonce and PKCE verifier). */
  strategyState: unknown;
}

/** Who is logged in to Byline in this browser. */
export interface BrowserSession {
  identity: Identity;
  created: number;
  expires: number;
}

/** One site's view of a login; `sid` is its id, so sites never share one. */
export interface SiteSession {
  site: string;
  browserSession?: string;
  claims: CommenterClaims;
  created: number;
  expires: number;
}

export interface AuthorizationCode {
  site: string;
  redirectUri: string;
  codeChallenge: string;
  sid: string;
  /** The site session as it was created, so redemption needs no session read (only an existence check). */
  session: SiteSession;
  nonce?: string;
  expires: number;
}

/**
 * A refresh token family: the chain of rotated refresh tokens of one site session, stored under that
 * session's id. Only the current token's hash is kept; the claims are the site session's (which a
 * refresh reads anyway).
 */
export interface RefreshFamily {
  site: string;
  /** Hash of the one refresh token of this family that may be used now. */
  current: string;
  /** When the current token was issued (ms). */
  issued: number;
  /** True when the family began without the site secret (PKCE only or guest): refresh needs no secret. */
  publicClient: boolean;
  expires: number;
}

/**
 * The mark a rotated refresh token leaves (stored with `add`, so of concurrent rotations exactly one
 * wins). With `tokens.refreshReuseGrace` it carries the successor token response, encrypted under a key
 * derived from the rotated token itself, so only a holder of that token can read it back.
 */
export interface RefreshRotation {
  /** When the token was rotated (ms). */
  at: number;
  /** The successor response (AES-256-GCM, base64url of iv | ciphertext | tag), only when a grace is set. */
  sealed?: string;
  /** The successor access token's expiry (ms), to recompute `expires_in` on a graced reuse. */
  accessExpires?: number;
}
