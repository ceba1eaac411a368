/**
 * A reader's side of a login, as the tests drive it: the authorization request, a login through the dev
 * IdP or a provider double, the code that reaches the site and the site's redemption of it, the browser
 * session's cookie and the logout page. The calls a site's backend makes with tokens are in tokens.ts.
 */
import assert from 'node:assert/strict';
import type { Commenter } from 'byline-gateway/verify';
import { Browser, findLink, formAction, type Hop } from './browser.js';
import type { TestGateway } from './gateway.js';
import { pkce } from './pkce.js';
import { type Client, clientFields, redeem, type Tokens, verifyCommenter } from './tokens.js';

export { redeem } from './tokens.js';

export interface AuthorizeParams {
  site?: string;
  redirectUri?: string;
  responseMode?: 'query' | 'web_message' | 'form_post';
  idp?: string;
  prompt?: string;
  nonce?: string;
  state?: string;
  scope?: string;
  maxAge?: string;
}

export function authorizeUrl(gateway: TestGateway, challenge: string, params: AuthorizeParams = {}): URL {
  const url = new URL('/authorize', gateway.url);
  const query: Record<string, string> = {
    client_id: params.site ?? 'blog',
    redirect_uri: params.redirectUri ?? 'https://blog.example/callback',
    response_type: 'code',
    state: params.state ?? 'state-123',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...(params.responseMode ? { response_mode: params.responseMode } : {}),
    ...(params.idp ? { idp: params.idp } : {}),
    ...(params.prompt ? { prompt: params.prompt } : {}),
    ...(params.nonce ? { nonce: params.nonce } : {}),
    ...(params.scope ? { scope: params.scope } : {}),
    ...(params.maxAge ? { max_age: params.maxAge } : {}),
  };
  url.search = new URLSearchParams(query).toString();
  return url;
}

/** Where a redirect to the site lands: its query parameters. */
export function siteParams(location: string | undefined): URLSearchParams {
  if (!location) throw new Error('no redirect to the site');
  return new URL(location).searchParams;
}

/**
 * The test sites' convention: site `x` lives at https://x.example and its (first) redirect URI is
 * https://x.example/callback, as `testSite` (blog) and the sites the tests add are registered.
 */
export function callbackUri(site: string): string {
  return `https://${site}.example/callback`;
}

/** A login that reached the site: the browser that made it, its PKCE verifier, the site's redirect. */
export interface SiteLogin {
  browser: Browser;
  verifier: string;
  location: string | undefined;
}

export interface DevLoginOptions {
  /** The reader's name at the dev IdP, which makes the subject (Token Tester: dev:token-tester). */
  name?: string;
  email?: string;
  /** Log in in this browser, with its cookies (a live Byline session skips the chooser). */
  browser?: Browser;
  /** Log in at this site and come back to its callback (`callbackUri`): params.site and params.redirectUri. */
  site?: string;
  params?: AuthorizeParams;
}

function withSite(site: string | undefined, params: AuthorizeParams = {}): AuthorizeParams {
  return site ? { site, redirectUri: callbackUri(site), ...params } : params;
}

/**
 * A reader's complete login through the chooser and the dev IdP, ending at the site's redirect_uri.
 * Returns the browser (with its cookies), the verifier and the redirect the site received.
 */
export async function devLogin(gateway: TestGateway, options: DevLoginOptions = {}): Promise<SiteLogin> {
  const browser = options.browser ?? new Browser();
  const { verifier, challenge } = pkce();
  const params = withSite(options.site, options.params);
  const redirectUri = params.redirectUri ?? 'https://blog.example/callback';
  const toSite = (location: string) => location.startsWith(redirectUri);
  const chooser = await browser.follow(authorizeUrl(gateway, challenge, params), {}, toSite);
  if (chooser.location) return { browser, verifier, location: chooser.location };
  const link = findLink(chooser.body, '/auth/dev');
  if (!link)
    throw new Error(
      `no dev provider on the chooser: ${chooser.response.status} ${chooser.body.slice(0, 300)}`,
    );
  const login = await browser.follow(new URL(link, gateway.url), {}, toSite);
  if (login.location) return { browser, verifier, location: login.location };
  const action = formAction(login.body);
  if (!action) throw new Error(`no dev login form: ${login.response.status} ${login.body.slice(0, 300)}`);
  const done = await browser.submit(
    new URL(action, login.url),
    { name: options.name ?? 'Ada Lovelace', email: options.email ?? '' },
    toSite,
  );
  return { browser, verifier, location: done.location };
}

/** A dev login (as devLogin) and the code it brought back to the site. */
export async function devCode(
  gateway: TestGateway,
  options: DevLoginOptions = {},
): Promise<SiteLogin & { code: string }> {
  const login = await devLogin(gateway, options);
  return { ...login, code: siteParams(login.location).get('code') as string };
}

/**
 * A login through provider `idp` (`/authorize?idp=…`, then wherever the provider or its double sends
 * the browser) up to the redirect to the site, or the last answer when there is none (a web_message
 * page, an error page). `hop` is that last answer, or the one that redirected to the site.
 */
export async function providerLogin(
  gateway: TestGateway,
  idp: string,
  options: { browser?: Browser; params?: AuthorizeParams } = {},
): Promise<SiteLogin & { hop: Hop }> {
  const browser = options.browser ?? new Browser();
  const { verifier, challenge } = pkce();
  const params = { ...options.params, idp };
  const redirectUri = params.redirectUri ?? 'https://blog.example/callback';
  const hop = await browser.follow(authorizeUrl(gateway, challenge, params), {}, (location) =>
    location.startsWith(redirectUri),
  );
  return { browser, verifier, location: hop.location, hop };
}

/**
 * The authorization_code grant for `code` as the test site (`blog`, its first redirect URI) sends it,
 * with the PKCE verifier; `extra` adds or overrides fields (a client secret, another site).
 */
export function codeGrant(code: string, verifier: string, extra: Record<string, string> = {}) {
  return {
    grant_type: 'authorization_code',
    code,
    redirect_uri: 'https://blog.example/callback',
    code_verifier: verifier,
    client_id: 'blog',
    ...extra,
  };
}

/**
 * Redeems the code a login brought back to the test site (`blog`, its first redirect URI) with the
 * login's PKCE verifier; `extra` adds or overrides fields (a client secret, another redirect_uri).
 */
export function redeemLogin(
  gateway: TestGateway,
  login: { location: string | undefined; verifier: string },
  extra: Record<string, string> = {},
) {
  return redeem(gateway, codeGrant(siteParams(login.location).get('code') as string, login.verifier, extra));
}

/**
 * The tokens of a login that came back to `client.site` (default blog): its code redeemed by that
 * site (at its callbackUri, with its secret when given). Asserts the redemption succeeded.
 */
export async function loginTokens(
  gateway: TestGateway,
  login: { location: string | undefined; verifier: string },
  client: Client = {},
): Promise<Tokens> {
  const fields = { redirect_uri: callbackUri(client.site ?? 'blog'), ...clientFields(client) };
  const { status, body } = await redeemLogin(gateway, login, fields);
  assert.equal(status, 200, JSON.stringify(body));
  return body as unknown as Tokens;
}

/** A logged-in reader: the browser holding the Byline session, and the tokens the site got. */
export interface LoggedIn {
  browser: Browser;
  tokens: Tokens;
}

/** A full dev login at `options.site` (default blog) through to the tokens that site redeemed. */
export async function devTokens(
  gateway: TestGateway,
  options: DevLoginOptions & Client = {},
): Promise<LoggedIn> {
  const login = await devLogin(gateway, options);
  return { browser: login.browser, tokens: await loginTokens(gateway, login, options) };
}

/** A full login through provider `idp` (see providerLogin) through to the tokens blog redeemed. */
export async function providerTokens(
  gateway: TestGateway,
  idp: string,
  options: { browser?: Browser } = {},
): Promise<LoggedIn> {
  const login = await providerLogin(gateway, idp, options);
  return { browser: login.browser, tokens: await loginTokens(gateway, login) };
}

/** What blog's comment backend learns from a login: its access token, verified with the verify SDK. */
export async function loginCommenter(
  gateway: TestGateway,
  login: { location: string | undefined; verifier: string },
): Promise<Commenter> {
  return verifyCommenter(gateway, (await loginTokens(gateway, login)).access_token);
}

/**
 * A login that failed reaches the site (`location`, the redirect to it) as `error` with the request's
 * state, no code and, when `expected.iss` is given, that issuer.
 */
export function assertSiteError(
  location: string | undefined,
  error: string,
  expected: { state?: string; iss?: string } = {},
): void {
  const params = siteParams(location);
  assert.equal(params.get('error'), error);
  assert.equal(params.get('code'), null);
  assert.equal(params.get('state'), expected.state ?? 'state-123');
  if (expected.iss !== undefined) assert.equal(params.get('iss'), expected.iss);
}

/** A browser that already carries `byline_session=<value>`, as a planted or copied cookie would be. */
export function browserWithSession(gateway: TestGateway, value: string): Browser {
  const browser = new Browser();
  const host = new URL(gateway.url).hostname;
  browser.cookies.set(`${host}|/|byline_session`, { name: 'byline_session', value, host, path: '/' });
  return browser;
}

/** GET /logout (`query` appended): the confirmation page, and the CSRF token its form carries. */
export async function logoutForm(
  gateway: TestGateway,
  browser: Browser,
  query = '',
): Promise<{ page: Hop; csrf: string | undefined }> {
  const page = await browser.request(`${gateway.url}/logout${query}`);
  return { page, csrf: /name="csrf" value="([^"]+)"/.exec(page.body)?.[1] };
}

/** A form POST from one of Byline's own pages (Sec-Fetch-Site: same-origin unless `headers` say otherwise). */
export function postFromByline(
  browser: Browser,
  url: string | URL,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Hop> {
  return browser.request(url, {
    method: 'POST',
    body: new URLSearchParams(fields).toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'sec-fetch-site': 'same-origin',
      ...headers,
    },
  });
}

/** POST /logout from the browser, as its own confirmation page posts it. */
export function postLogout(
  gateway: TestGateway,
  browser: Browser,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Hop> {
  return postFromByline(browser, `${gateway.url}/logout`, fields, headers);
}
