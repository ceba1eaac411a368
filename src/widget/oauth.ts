/** The OAuth side of the widget: PKCE, the token endpoint, redirect-mode completion. No cookies, ever. */
import { save, storageKeys, take } from './store.js';

export interface Claims {
  sub: string;
  name: string;
  idp: string;
  picture?: string;
  website?: string;
  nonce?: string;
  client_id?: string;
}

export interface TokenResponse {
  access_token: string;
  expires_in: number;
  refresh_token?: string;
}

/** A login the reader started before a full-page redirect, kept under its state. */
export interface Pending {
  issuer: string;
  site: string;
  verifier: string;
  nonce: string;
  redirectUri: string;
  returnTo: string;
}

/**
 * An error for the reader: its message is in their language already (Byline's guest endpoints answer
 * in it), or it has a `key` of the widget's words to say it with.
 */
export class ReaderError extends Error {
  key?: string;
  vars?: Record<string, string | number>;

  constructor(
    message: string,
    readonly field?: string,
    readonly status?: number,
    readonly code?: string,
    /** A guest form's errors, each field's message (`POST /guest` answers them all at once). */
    readonly fields?: Readonly<Record<string, string>>,
  ) {
    super(message);
  }

  /** An error that the widget's message `key` tells. */
  static say(key: string, vars?: Record<string, string | number>, status?: number): ReaderError {
    const error = new ReaderError(key, undefined, status);
    error.key = key;
    error.vars = vars;
    return error;
  }
}

const b64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

const randomString = () => b64url(crypto.getRandomValues(new Uint8Array(32)));

export interface Prepared {
  verifier: string;
  challenge: string;
  state: string;
  nonce: string;
}

/** A fresh PKCE pair, state and nonce; made ahead of the click, so the popup opens synchronously. */
export async function prepare(): Promise<Prepared> {
  const verifier = randomString();
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return {
    verifier,
    challenge: b64url(new Uint8Array(digest)),
    state: randomString(),
    nonce: randomString(),
  };
}

/** The claims of a JWT, unverified: only for display and the nonce check (the backend verifies). */
export function claimsOf(jwt: string): Claims {
  const part = (jwt.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/');
  const bytes = Uint8Array.from(atob(part), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Claims;
}

/**
 * POSTs a form to Byline by CORS, never with credentials; errors become ReaderErrors, with the answer's
 * description (in the reader's language from the guest endpoints, which take `ui_locales`).
 */
export async function post(url: string, fields: Record<string, string>): Promise<TokenResponse> {
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', body: new URLSearchParams(fields), credentials: 'omit' });
  } catch {
    throw ReaderError.say('widget.unreachable');
  }
  const body = (await response.json().catch(() => ({}))) as Record<string, string> & {
    fields?: Record<string, string>;
  };
  if (!response.ok) {
    if (!body.error_description)
      throw ReaderError.say('widget.answered', { status: `${response.status}` }, response.status);
    throw new ReaderError(
      body.error_description,
      body.field,
      response.status,
      body.error,
      typeof body.fields === 'object' && body.fields !== null ? body.fields : undefined,
    );
  }
  return body as unknown as TokenResponse;
}

/** The code for tokens. A refusal's description is OAuth's, for developers: the reader is told the login did not complete. */
export function redeem(issuer: string, site: string, code: string, verifier: string, redirectUri: string) {
  return post(`${issuer}/token`, {
    grant_type: 'authorization_code',
    code,
    code_verifier: verifier,
    redirect_uri: redirectUri,
    client_id: site,
  }).catch((error: ReaderError) => {
    throw error.key ? error : ReaderError.say('widget.incomplete', undefined, error.status);
  });
}

/** What the reader is told when an authorization response carries an error instead of a code. */
export function authorizationError(error: string | null | undefined): ReaderError {
  if (error === 'access_denied') return ReaderError.say('widget.cancelled');
  return ReaderError.say(error === 'temporarily_unavailable' ? 'widget.providerDown' : 'widget.incomplete');
}

export function authorizeUrl(
  issuer: string,
  params: Record<string, string | undefined>,
  prepared: Prepared,
): string {
  const url = new URL(`${issuer}/authorize`);
  const all: Record<string, string | undefined> = {
    response_type: 'code',
    code_challenge: prepared.challenge,
    code_challenge_method: 'S256',
    state: prepared.state,
    nonce: prepared.nonce,
    ...params,
  };
  for (const [name, value] of Object.entries(all)) if (value) url.searchParams.set(name, value);
  return url.href;
}

/**
 * On any page that loads the widget (the site's redirect URI): finishes a redirect-mode login whose
 * state this tab started, then goes back to where the reader was. Returns true when it took over.
 */
export async function completeRedirect(): Promise<boolean> {
  const query = new URLSearchParams(location.search);
  const state = query.get('state');
  const pending = state ? take<Pending>(storageKeys.pending(state)) : undefined;
  if (!pending) return false;
  history.replaceState(null, '', location.pathname);
  const code = query.get('code');
  try {
    if (query.get('iss') !== pending.issuer) throw ReaderError.say('widget.wrongServer');
    if (!code) throw authorizationError(query.get('error'));
    const tokens = await redeem(pending.issuer, pending.site, code, pending.verifier, pending.redirectUri);
    const claims = claimsOf(tokens.access_token);
    if (claims.nonce !== pending.nonce) throw ReaderError.say('widget.mismatch');
    save(storageKeys.auth(pending.issuer, pending.site), { refresh: tokens.refresh_token, claims });
    save(storageKeys.handoff(pending.issuer, pending.site), {
      access: tokens.access_token,
      expiresAt: Date.now() + tokens.expires_in * 1000,
    });
  } catch (error) {
    // Said once the widget has its words: the key of the message.
    save(storageKeys.flash(pending.site), (error as ReaderError).key ?? 'widget.incomplete');
  }
  const back = new URL(pending.returnTo, location.href);
  if (back.pathname + back.search === location.pathname) {
    // The redirect URI is the page itself: stay, and let the widget attach with the new login.
    history.replaceState(null, '', back.href);
    return false;
  }
  location.replace(back.href);
  return true;
}
