import type { Identity } from '../../identity.js';
import type { UpstreamTransaction } from '../../providers/provider.js';

/** How long a reader may take to choose and finish a login. */
export const loginTtlMs = 10 * 60_000;

export type ResponseMode = 'query' | 'web_message' | 'form_post';

/** A validated /authorize request, waiting for the reader to log in. */
export interface AuthorizationRequest {
  id: string;
  site: string;
  redirectUri: string;
  responseMode: ResponseMode;
  /** Empty when the site sent none (allowed with PKCE). */
  state: string;
  /** Absent only for a site with `pkce: optional` (and a secret) that sent no challenge. */
  codeChallenge?: string;
  nonce?: string;
  /** The requested scopes; absent when the request named none (every claim, as before scopes). */
  scope?: string[];
  /** `max_age` in seconds: an older login at the provider must be done again. */
  maxAge?: number;
  /** `ui_locales`, as the site sent it, for the pages the reader sees. */
  uiLocales?: string;
  forceLogin: boolean;
  /** The reader chose this site on the chooser, a Byline page that names it: that is their consent. */
  chosen?: true;
  /** `prompt=consent`: the question is asked even of a reader who chose this site before. */
  askConsent?: true;
  /** The login the consent question was asked for: only a browser holding that login answers it. */
  consentLogin?: string;
  /** Hash of the browser's `byline_tx` cookie: the request belongs to that browser only. */
  binding: string;
  expires: number;
}

/** One trip to one provider, under the upstream `state`: sealed in the browser, marked in the store. */
export interface LoginTransaction {
  request: AuthorizationRequest;
  provider: string;
  /** What the provider's callback needs back: the state, and the PKCE verifier and nonce it sent. */
  upstream: UpstreamTransaction;
}

/**
 * One login (`login:<id>`): who proved themselves (the identity, stored once), the browser that holds it
 * (absent for guests, and once a later login in the same browser replaced it) and the site sessions
 * started from it, each with its pending code or its refresh family. Requests update it with `swap`.
 */
export interface LoginRecord {
  identity: Identity;
  /** When the reader proved who they are (ms): the ID token's `auth_time`, checked against `max_age`. */
  authTime?: number;
  /** The secret half of the `byline_session` cookie (`<login id>.<browser>`). */
  browser?: string;
  expires: number;
  /** Logins this browser held before this one (their ids): its logout ends them too. */
  earlier?: string[];
  /** Once replaced: the logins that replaced it in its browser (two when two tabs finished logins at once). */
  later?: string[];
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
  /** The scopes the site asked for; absent: every claim, no ID token. */
  scope?: string[];
  code?: PendingCode;
  refresh?: RefreshFamily;
}

/** What the code's redemption must match. */
interface PendingCode {
  redirectUri: string;
  /** Absent: issued without PKCE (`pkce: optional`), so only the site secret redeems it. */
  codeChallenge?: string;
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
