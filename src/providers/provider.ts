import type { Request, Response } from 'express';
import type { Message, Text } from '../i18n/message.js';
import { english } from '../i18n/translate.js';
import type { Identity } from '../identity.js';

/** An IndieAuth authorization server, as a reader's page declares it and the callback checks it. */
export interface IndieAuthServer {
  /** Where the reader is sent, and where the code is redeemed for the profile URL (IndieAuth §5.3.2). */
  authorization: string;
  /** The metadata's `issuer`, exactly as written (found through `indieauth-metadata` only). */
  issuer?: string;
  /** The metadata says the callback carries `iss` (`authorization_response_iss_parameter_supported`). */
  issRequired?: boolean;
}

/**
 * What an IndieAuth callback checks the server's answer against (a record of data, defined here so that
 * this module depends on no provider).
 */
export interface IndieAuthTransaction {
  server: IndieAuthServer;
  /** The page that declared the server (the typed address after redirects). */
  page: string;
  /** The hosts on the way there: the profile URL the server answers must be on one of them. */
  hosts: string[];
}

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
  /** IndieAuth: the server the reader's site declared and the site, which the callback checks `me` against. */
  indieauth?: IndieAuthTransaction;
  /**
   * Handle-based providers: the server the login went to (a fediverse instance's origin, an
   * authorization server), which the reader named, so the callback goes back to the same one.
   */
  server?: string;
  /** Handle-based providers: the client id Byline has at that server (never its secret: that stays in the Store). */
  clientId?: string;
  /** Handle-based providers: the handle as the reader typed it, to start over with (see UpstreamRestartError). */
  handle?: string;
  /** This login was already started over once: it is not started over again. */
  restarted?: true;
}

/** How a login begins: `forceLogin`, the site asked for a fresh one; `handle`, who the reader says they are. */
export interface StartOptions {
  forceLogin: boolean;
  /** The reader's handle, as typed (handle-based providers; absent for the others). */
  handle?: string;
  /** The login is being started over after UpstreamRestartError: mark the transaction `restarted`. */
  restart?: true;
}

/**
 * What a handle-based provider (mastodon, atproto, indieauth) asks the reader on the chooser: the input's
 * label and a line of help that shows the form (an example, never a suggestion of someone's handle).
 */
interface HandlePrompt {
  label: Message;
  help: Message;
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
  /** Set for a provider that needs the reader's handle to begin: the chooser shows an input for it. */
  readonly handle?: HandlePrompt;
  /**
   * Begins a login (discovering the provider first when it must). A handle that cannot begin one
   * rejects with HandleError, whose message the reader sees at the handle input.
   */
  start(options: StartOptions): Promise<UpstreamStart>;
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

/**
 * The reader's handle cannot begin a login: not a handle, a server that is not allowed, does not resolve,
 * is not what it claims, too slow or too big. The message is for the reader, shown at the handle input
 * on the chooser (never a secret, never a stack): they can correct it and try again.
 */
export class HandleError extends Error {
  override name = 'HandleError';

  /** `text`: what the reader is told, a catalog message where there is one (its English is the message). */
  constructor(
    readonly text: Text,
    options?: ErrorOptions,
  ) {
    super(english(text), options);
  }
}

/**
 * Thrown by `finish` when the login must begin again at the same server (the server had forgotten Byline's
 * registration, which was renewed): Byline starts it over once with the transaction's handle.
 */
export class UpstreamRestartError extends Error {
  override name = 'UpstreamRestartError';
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
    // ETIMEOUT and ESERVFAIL: c-ares, which resolves the hosts readers name (http/resolve-host.ts).
    if (
      code &&
      /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ETIMEOUT|ESERVFAIL|EHOSTUNREACH|UND_ERR_\w+)$/.test(
        code,
      )
    )
      return true;
  }
  return false;
}
