import { createHash, randomBytes } from 'node:crypto';
import { CookieJar, expectStatus, send } from './http.js';

/** The site the benchmark logs in to (a public client using PKCE, as the widget is). */
export const benchSite = {
  id: 'bench',
  name: 'Bench Blog',
  origin: 'https://blog.example',
  redirectUri: 'https://blog.example/callback',
};

export interface TokenResponse {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The upstream leg a reader's browser makes: Byline or Auth.js → the WordPress.com double → back. */
export async function throughProvider(
  location: string | undefined,
  jar: CookieJar,
  what: string,
): Promise<string> {
  if (!location) throw new Error(`${what}: no redirect to the provider`);
  const consent = expectStatus(await send(location, { jar }), 302, `${what}: provider authorize`);
  if (!consent.location) throw new Error(`${what}: the provider did not redirect back`);
  return consent.location;
}

function authorizeUrl(byline: string, challenge: string): string {
  const authorize = new URL('/authorize', byline);
  authorize.search = new URLSearchParams({
    client_id: benchSite.id,
    redirect_uri: benchSite.redirectUri,
    response_type: 'code',
    state: randomBytes(12).toString('base64url'),
    code_challenge: challenge,
    code_challenge_method: 'S256',
    idp: 'wordpress',
  }).toString();
  return authorize.href;
}

/** A reader who has started a login and is now at the provider: Byline holds a pending transaction. */
export async function bylineStartLogin(byline: string): Promise<void> {
  const { challenge } = pkce();
  const start = expectStatus(await send(authorizeUrl(byline, challenge)), 302, 'byline /authorize');
  if (!start.location || start.location.startsWith(byline))
    throw new Error('byline /authorize: no redirect to the provider');
}

/**
 * A new reader's complete redirect-mode login at Byline: `/authorize?idp=wordpress` → the double's
 * authorization endpoint → `/auth/wordpress/callback` (Byline calls the double's token endpoint and
 * `/rest/v1.1/me`) → the site's redirect_uri with a code → `POST /token`.
 */
export async function bylineLogin(byline: string): Promise<TokenResponse> {
  const jar = new CookieJar();
  const { verifier, challenge } = pkce();
  const start = expectStatus(await send(authorizeUrl(byline, challenge), { jar }), 302, 'byline /authorize');
  const callback = await throughProvider(start.location, jar, 'byline');
  const back = expectStatus(await send(callback, { jar }), 302, 'byline callback');
  const code = back.location?.startsWith(benchSite.redirectUri)
    ? new URL(back.location).searchParams.get('code')
    : null;
  if (!code) throw new Error(`byline callback: no code for the site (${back.location})`);
  const token = expectStatus(
    await send(new URL('/token', byline).href, {
      form: {
        grant_type: 'authorization_code',
        code,
        redirect_uri: benchSite.redirectUri,
        code_verifier: verifier,
        client_id: benchSite.id,
      },
    }),
    200,
    'byline /token',
  );
  const tokens = JSON.parse(token.text) as TokenResponse;
  if (!tokens.access_token || !tokens.refresh_token) throw new Error('byline /token: no tokens');
  return tokens;
}

/** One refresh grant; returns the successor tokens. */
export async function bylineRefresh(byline: string, refreshToken: string): Promise<TokenResponse> {
  const answer = expectStatus(
    await send(`${byline}/token`, {
      form: { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: benchSite.id },
    }),
    200,
    'byline refresh',
  );
  return JSON.parse(answer.text) as TokenResponse;
}

/**
 * A new reader's complete Auth.js login, as its sign-in page does it: `GET /auth/csrf` → `POST
 * /auth/signin/wordpress` (CSRF token, callbackUrl) → the double → `/auth/callback/wordpress` (Auth.js
 * calls the token endpoint and the profile endpoint, and sets its JWT session cookie) → `GET
 * /auth/session`.
 */
export async function authjsLogin(authjs: string): Promise<void> {
  const jar = new CookieJar();
  const csrf = expectStatus(await send(`${authjs}/auth/csrf`, { jar }), 200, 'authjs csrf');
  const { csrfToken } = JSON.parse(csrf.text) as { csrfToken: string };
  const signin = expectStatus(
    await send(`${authjs}/auth/signin/wordpress`, {
      jar,
      form: { csrfToken, callbackUrl: `${authjs}/done` },
    }),
    302,
    'authjs signin',
  );
  const callback = await throughProvider(signin.location, jar, 'authjs');
  const back = expectStatus(await send(callback, { jar }), 302, 'authjs callback');
  if (back.location !== `${authjs}/done`) throw new Error(`authjs callback: redirected to ${back.location}`);
  const session = expectStatus(await send(`${authjs}/auth/session`, { jar }), 200, 'authjs session');
  const { user } = JSON.parse(session.text) as { user?: { name?: string } };
  if (!user?.name) throw new Error(`authjs session: no user (${session.text.slice(0, 200)})`);
}
