import { Browser, findLink, formAction } from './browser.js';
import type { TestGateway } from './gateway.js';
import { pkce } from './pkce.js';

export interface AuthorizeParams {
  site?: string;
  redirectUri?: string;
  responseMode?: 'query' | 'web_message';
  idp?: string;
  prompt?: string;
  nonce?: string;
  state?: string;
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
 * A reader's complete login through the chooser and the dev IdP, ending at the site's redirect_uri.
 * Returns the browser (with its cookies), the verifier and the redirect the site received.
 */
export async function devLogin(
  gateway: TestGateway,
  options: { name?: string; email?: string; browser?: Browser; params?: AuthorizeParams } = {},
) {
  const browser = options.browser ?? new Browser();
  const { verifier, challenge } = pkce();
  const redirectUri = options.params?.redirectUri ?? 'https://blog.example/callback';
  const toSite = (location: string) => location.startsWith(redirectUri);
  const chooser = await browser.follow(authorizeUrl(gateway, challenge, options.params), {}, toSite);
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

/** Redeems a code at /token. */
export async function redeem(
  gateway: TestGateway,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(new URL('/token', gateway.url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
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
  return redeem(gateway, {
    grant_type: 'authorization_code',
    code: siteParams(login.location).get('code') as string,
    redirect_uri: 'https://blog.example/callback',
    code_verifier: login.verifier,
    client_id: 'blog',
    ...extra,
  });
}
