import type { Request, Response } from 'express';
import type { Identity } from '../identity.js';

/**
 * What the callback needs back from the start of a login, sealed in the reader's browser meanwhile (see
 * oauth/browser/transaction-cookie.ts): a typed record of Byline's, never a library's session object.
 */
export interface UpstreamTransaction {
  /** The `state` sent to the provider: Byline keys the login transaction by it, so it is always sent. */
  state: string;
  /** The PKCE (S256) verifier, when a challenge was sent. */
  codeVerifier?: string;
  /** The nonce the ID token must carry (OpenID Connect providers). */
  nonce?: string;
}

/** The reader's request and its response, for a library that speaks HTTP itself (Passport). */
export interface ReaderExchange {
  req: Request;
  res: Response;
}

/**
 * Where a login goes first: the URL to send the reader to or, for a library that writes the redirect
 * itself, `send`, which Byline calls once the transaction is saved.
 */
export type UpstreamStart =
  | { upstream: UpstreamTransaction; url: string }
  | { upstream: UpstreamTransaction; send(exchange: ReaderExchange): Promise<void> };

/**
 * An upstream identity provider as the login endpoints see it: its face (id, name, icon) and the two
 * legs of a login. Most are descriptions run by the engine (engine.ts); Facebook adapts passport-facebook.
 */
export interface UpstreamProvider {
  readonly id: string;
  readonly type: string;
  readonly name: string;
  /** URL of an SVG icon served by Byline. */
  readonly icon: string;
  /** How the provider answers at the callback: a redirect (`query`) or a posted form (`form_post`). */
  readonly responseMode: 'query' | 'form_post';
  /** Begins a login (discovering the provider first when it must). `forceLogin`: the site asked for a fresh one. */
  start(options: { forceLogin: boolean }): Promise<UpstreamStart>;
  /**
   * Ends a login with the callback's parameters (a `code`; errors were handled before) and the transaction
   * `start` made. Rejects with UpstreamDeniedError, UpstreamUnavailableError or any other error (a failure).
   */
  finish(params: URLSearchParams, upstream: UpstreamTransaction, exchange: ReaderExchange): Promise<Identity>;
}

/** Thrown by a provider when it is unreachable, so the site gets `temporarily_unavailable`. */
export class UpstreamUnavailableError extends Error {
  override name = 'UpstreamUnavailableError';
}

/** Thrown when the reader or the provider refused the login, so the site gets `access_denied`. */
export class UpstreamDeniedError extends Error {
  override name = 'UpstreamDeniedError';
}

/** True for failures to reach the provider at all (refused, reset, DNS, timeout). */
export function isUnreachable(error: unknown): boolean {
  // passport-oauth2's InternalOAuthError keeps the transport's error in `oauthError`, not `cause`.
  const next = (e: Error) => (e.cause ?? (e as { oauthError?: unknown }).oauthError) as unknown;
  for (let e = error; e instanceof Error; e = next(e)) {
    if (e instanceof UpstreamUnavailableError) return true;
    if (e.name === 'TimeoutError' || e.name === 'AbortError' || e.name === 'ConnectTimeoutError') return true;
    const code = (e as NodeJS.ErrnoException).code;
    if (
      code &&
      /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|UND_ERR_\w+)$/.test(code)
    )
      return true;
  }
  return false;
}
