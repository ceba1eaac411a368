import { createHash, randomFillSync, timingSafeEqual } from 'node:crypto';
import type { Identity } from '../../providers/provider.js';

/** Store key prefixes, in one place so the Redis layout is readable. */
export const keys = {
  authorizationRequest: (id: string) => `ar:${id}`,
  transaction: (state: string) => `tx:${state}`,
  /** One login: the identity, the browser holding it, its site sessions and their refresh families. */
  login: (id: string) => `login:${id}`,
  /** A Facebook data deletion request, by its confirmation code. */
  deletion: (code: string) => `deletion:${code}`,
  /** Set: the ids of every login of one public subject (for provider-initiated deletion). */
  subjectLogins: (publicSub: string) => `logins:${publicSub}`,
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

/** Compares a presented secret with the expected one in constant time, whatever their lengths. */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
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

/** One trip to one provider, under the upstream `state`: sealed in the browser, marked in the store. */
export interface LoginTransaction {
  request: AuthorizationRequest;
  provider: string;
  /** What the strategy put in `req.session[sessionKey]` (its state, nonce and PKCE verifier). */
  strategyState: unknown;
}

/**
 * One login (`login:<id>`): who proved themselves (the identity, stored once), the browser that holds it
 * (absent for guests, and once a later login in the same browser replaced it) and the site sessions
 * started from it, each with its pending code or its refresh family. Requests update it with `swap`.
 */
export interface LoginRecord {
  identity: Identity;
  /** The secret half of the `byline_session` cookie (`<login id>.<browser>`). */
  browser?: string;
  expires: number;
  /** Logins this browser held before this one (their ids): its logout ends them too. */
  earlier?: string[];
  /** The number the next site session gets. */
  next: number;
  /** The site sessions, by number; each one's `sid` is derived from the login id and the number. */
  sites: Record<string, SiteSession>;
}

/**
 * One site's view of a login. Its one-time code is pending (`code`), redeemed (`refresh`) or burned
 * (neither): a code presented in the last two states is a replay and ends the site session.
 */
export interface SiteSession {
  site: string;
  /** The claims carry a pairwise subject (`tokens.subject` when the session began). */
  pairwise?: true;
  code?: PendingCode;
  refresh?: RefreshFamily;
}

/** What the code's redemption must match. */
export interface PendingCode {
  redirectUri: string;
  codeChallenge: string;
  nonce?: string;
  expires: number;
}

/**
 * The refresh token family of a site session: only the number of the one token that may be used now.
 * Every earlier number is a rotated token (handles.ts tells a genuine one from a made-up one).
 */
export interface RefreshFamily {
  /** The current token's number. */
  n: number;
  /** When the current token was issued (ms). */
  issued: number;
  /** True when the family began without the site secret (PKCE only or guest): refresh needs no secret. */
  publicClient: boolean;
  expires: number;
  /**
   * With `tokens.refreshReuseGrace`: the last rotation's successor pair, sealed under a key derived from
   * the rotated token (number n - 1), so only its holder can read it back within the grace.
   */
  grace?: { at: number; sealed: string; accessExpires: number };
}
