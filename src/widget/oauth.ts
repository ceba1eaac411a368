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

/** An error whose message is written for the reader. */
export class ReaderError extends Error {
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

/** POSTs a form to Byline by CORS, never with credentials; errors become ReaderErrors. */
export async function post(url: string, fields: Record<string, string>): Promise<TokenResponse> {
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', body: new URLSearchParams(fields), credentials: 'omit' });
  } catch {
    throw new ReaderError('Byline could not be reached. Check your connection and try again.');
  }
  const body = (await response.json().catch(() => ({}))) as Record<string, string> & {
    fields?: Record<string, string>;
  };
  if (!response.ok)
    throw new ReaderError(
      body.error_description || `Byline answered ${response.status}.`,
      body.field,
      response.status,
      body.error,
      typeof body.fields === 'object' && body.fields !== null ? body.fields : undefined,
    );
  return body as unknown as TokenResponse;
}

export function redeem(issuer: string, site: string, code: string, verifier: string, redirectUri: string) {
  return post(`${issuer}/token`, {
    grant_type: 'authorization_code',
    code,
    code_verifier: verifier,
    redirect_uri: redirectUri,
    client_id: site,
  });
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
    if (query.get('iss') !== pending.issuer)
      throw new ReaderError('The login answer came from the wrong server.');
    if (!code)
      throw new ReaderError(
        query.get('error') === 'access_denied'
          ? 'The login was cancelled.'
          : query.get('error_description') || 'The login did not complete.',
      );
    const tokens = await redeem(pending.issuer, pending.site, code, pending.verifier, pending.redirectUri);
    const claims = claimsOf(tokens.access_token);
    if (claims.nonce !== pending.nonce) throw new ReaderError('The login answer did not match this page.');
    save(storageKeys.auth(pending.issuer, pending.site), { refresh: tokens.refresh_token, claims });
    save(storageKeys.handoff(pending.issuer, pending.site), {
      access: tokens.access_token,
      expiresAt: Date.now() + tokens.expires_in * 1000,
    });
  } catch (error) {
    save(storageKeys.flash(pending.site), (error as Error).message);
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
