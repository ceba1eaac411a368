import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Browser } from '../../support/browser.js';
import { devLogin, redeem, siteParams } from '../../support/flow.js';
import { startGateway, type TestGateway, testSite } from '../../support/gateway.js';

const publicSite = { origins: ['https://public.example'], redirectUris: ['https://public.example/callback'] };
const redirects: Record<string, string> = {
  blog: 'https://blog.example/callback',
  public: 'https://public.example/callback',
};

type Tokens = { access_token: string; refresh_token: string };

let gateway: TestGateway;
before(async () => {
  gateway = await startGateway({ config: { sites: { blog: testSite, public: publicSite } } });
});
after(() => gateway.close());

async function login(site = 'blog', browser?: Browser): Promise<Tokens> {
  const { location, verifier } = await devLogin(gateway, {
    name: 'Revoke Tester',
    params: { site, redirectUri: redirects[site] as string },
    ...(browser ? { browser } : {}),
  });
  const { status, body } = await redeem(gateway, {
    grant_type: 'authorization_code',
    code: siteParams(location).get('code') as string,
    redirect_uri: redirects[site] as string,
    code_verifier: verifier,
    client_id: site,
  });
  assert.equal(status, 200, JSON.stringify(body));
  return body as unknown as Tokens;
}

async function revoke(fields: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(`${gateway.url}/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

async function userinfo(token: string): Promise<number> {
  return (await fetch(`${gateway.url}/userinfo`, { headers: { authorization: `Bearer ${token}` } })).status;
}

async function refreshStatus(token: string, site = 'blog'): Promise<string | number> {
  const { status, body } = await redeem(gateway, {
    grant_type: 'refresh_token',
    refresh_token: token,
    client_id: site,
  });
  return status === 200 ? 200 : (body.error as string);
}

describe('POST /revoke', () => {
  test('revoking a refresh token ends its site session: the access token and refresh stop working', async () => {
    const tokens = await login();
    assert.equal(await userinfo(tokens.access_token), 200);
    const { status, headers } = await revoke({
      token: tokens.refresh_token,
      token_type_hint: 'refresh_token',
      client_id: 'blog',
    });
    assert.equal(status, 200);
    assert.equal(headers.get('cache-control'), 'no-store');
    assert.equal(await userinfo(tokens.access_token), 401);
    assert.equal(await refreshStatus(tokens.refresh_token), 'invalid_grant');
  });

  test('revoking an access token ends its site session too', async () => {
    const tokens = await login();
    const { status } = await revoke({
      token: tokens.access_token,
      client_id: 'blog',
      client_secret: testSite.secret,
    });
    assert.equal(status, 200);
    assert.equal(await userinfo(tokens.access_token), 401);
    assert.equal(await refreshStatus(tokens.refresh_token), 'invalid_grant');
  });

  test('a wrong token_type_hint does not stop the revocation', async () => {
    const tokens = await login();
    await revoke({ token: tokens.refresh_token, token_type_hint: 'access_token', client_id: 'blog' });
    assert.equal(await userinfo(tokens.access_token), 401);
  });

  test('a rotated refresh token can still end its login', async () => {
    const tokens = await login();
    const rotated = await redeem(gateway, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: 'blog',
    });
    await revoke({ token: tokens.refresh_token, client_id: 'blog' });
    assert.equal(await userinfo(rotated.body.access_token as string), 401);
  });

  test("revoking one site's token leaves the reader's other sites and the Byline session alone", async () => {
    const browser = new Browser();
    const blog = await login('blog', browser);
    const other = await login('public', browser);
    await revoke({ token: blog.refresh_token, client_id: 'blog' });
    assert.equal(await userinfo(blog.access_token), 401);
    assert.equal(await userinfo(other.access_token), 200);
    assert.equal(await refreshStatus(other.refresh_token, 'public'), 200);
    const again = await login('blog', browser);
    assert.equal(await userinfo(again.access_token), 200, 'the browser session still logs the reader in');
  });

  test('unknown and malformed tokens are answered 200', async () => {
    assert.equal((await revoke({ token: 'A'.repeat(43), client_id: 'blog' })).status, 200);
    assert.equal((await revoke({ token: 'not.a.jwt', client_id: 'blog' })).status, 200);
    assert.equal((await revoke({ token: 'garbage', client_id: 'public' })).status, 200);
  });

  test("another site's tokens are answered 200 and ignored", async () => {
    const tokens = await login('blog');
    assert.equal((await revoke({ token: tokens.refresh_token, client_id: 'public' })).status, 200);
    assert.equal((await revoke({ token: tokens.access_token, client_id: 'public' })).status, 200);
    assert.equal(await userinfo(tokens.access_token), 200);
    assert.equal(await refreshStatus(tokens.refresh_token), 200);
  });

  test('a wrong secret is 401 invalid_client and revokes nothing', async () => {
    const tokens = await login();
    const { status, body } = await revoke({
      token: tokens.refresh_token,
      client_id: 'blog',
      client_secret: 'not-the-secret-0123456789',
    });
    assert.equal(status, 401);
    assert.equal(body.error, 'invalid_client');
    assert.equal(await userinfo(tokens.access_token), 200);
    const basic = await revoke(
      { token: tokens.refresh_token },
      { authorization: `Basic ${Buffer.from('blog:wrong-secret-0123456789').toString('base64')}` },
    );
    assert.equal(basic.status, 401);
    assert.ok(basic.headers.get('www-authenticate')?.startsWith('Basic'));
  });

  test('an unknown client is 401, a missing token 400', async () => {
    assert.equal((await revoke({ token: 'x', client_id: 'nobody' })).status, 401);
    assert.equal((await revoke({ token: 'x' })).status, 401);
    const missing = await revoke({ client_id: 'blog' });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error, 'invalid_request');
  });

  test('an expired access token is answered 200 (there is nothing left to revoke)', async () => {
    const tokens = await login();
    gateway.clock.advance(11 * 60_000 + 60_000);
    try {
      assert.equal((await revoke({ token: tokens.access_token, client_id: 'blog' })).status, 200);
    } finally {
      gateway.clock.advance(-(12 * 60_000));
    }
    assert.equal(await refreshStatus(tokens.refresh_token), 200, 'the login itself lives on');
  });

  test("browsers on a site's pages may call it (CORS), others get no CORS headers", async () => {
    const preflight = await fetch(`${gateway.url}/revoke`, {
      method: 'OPTIONS',
      headers: { origin: 'https://blog.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://blog.example');
    const allowed = await revoke({ token: 'x', client_id: 'blog' }, { origin: 'https://public.example' });
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://public.example');
    const foreign = await revoke({ token: 'x', client_id: 'blog' }, { origin: 'https://evil.example' });
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
  });
});
