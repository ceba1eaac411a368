import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Browser } from '../../support/browser.js';
import { devTokens } from '../../support/flow.js';
import { startGateway, type TestGateway, testSite, trustedPublicSite } from '../../support/gateway.js';
import { basicAuth, outcome, refresh, revoke, userinfoStatus } from '../../support/tokens.js';

let gateway: TestGateway;
before(async () => {
  gateway = await startGateway({ config: { sites: { blog: testSite, public: trustedPublicSite } } });
});
after(() => gateway.close());

describe('POST /revoke', () => {
  test('revoking a refresh token ends its site session: the access token and refresh stop working', async () => {
    const { tokens } = await devTokens(gateway);
    assert.equal(await userinfoStatus(gateway, tokens.access_token), 200);
    const { status, headers } = await revoke(gateway, {
      token: tokens.refresh_token,
      token_type_hint: 'refresh_token',
      client_id: 'blog',
    });
    assert.equal(status, 200);
    assert.equal(headers.get('cache-control'), 'no-store');
    assert.equal(await userinfoStatus(gateway, tokens.access_token), 401);
    assert.equal(outcome(await refresh(gateway, tokens.refresh_token)), 'invalid_grant');
  });

  test('revoking an access token ends its site session too', async () => {
    const { tokens } = await devTokens(gateway);
    const { status } = await revoke(gateway, {
      token: tokens.access_token,
      client_id: 'blog',
      client_secret: testSite.secret,
    });
    assert.equal(status, 200);
    assert.equal(await userinfoStatus(gateway, tokens.access_token), 401);
    assert.equal(outcome(await refresh(gateway, tokens.refresh_token)), 'invalid_grant');
  });

  test('a wrong token_type_hint does not stop the revocation', async () => {
    const { tokens } = await devTokens(gateway);
    await revoke(gateway, {
      token: tokens.refresh_token,
      token_type_hint: 'access_token',
      client_id: 'blog',
    });
    assert.equal(await userinfoStatus(gateway, tokens.access_token), 401);
  });

  test('a rotated refresh token can still end its login', async () => {
    const { tokens } = await devTokens(gateway);
    const rotated = await refresh(gateway, tokens.refresh_token);
    await revoke(gateway, { token: tokens.refresh_token, client_id: 'blog' });
    assert.equal(await userinfoStatus(gateway, rotated.body.access_token as string), 401);
  });

  test("revoking one site's token leaves the reader's other sites and the Byline session alone", async () => {
    const browser = new Browser();
    const { tokens: blog } = await devTokens(gateway, { browser });
    const { tokens: other } = await devTokens(gateway, { site: 'public', browser });
    await revoke(gateway, { token: blog.refresh_token, client_id: 'blog' });
    assert.equal(await userinfoStatus(gateway, blog.access_token), 401);
    assert.equal(await userinfoStatus(gateway, other.access_token), 200);
    assert.equal(outcome(await refresh(gateway, other.refresh_token, { site: 'public' })), 200);
    const { tokens: again } = await devTokens(gateway, { browser });
    assert.equal(
      await userinfoStatus(gateway, again.access_token),
      200,
      'the browser session still logs the reader in',
    );
  });

  test('unknown and malformed tokens are answered 200', async () => {
    assert.equal((await revoke(gateway, { token: 'A'.repeat(43), client_id: 'blog' })).status, 200);
    assert.equal((await revoke(gateway, { token: 'not.a.jwt', client_id: 'blog' })).status, 200);
    assert.equal((await revoke(gateway, { token: 'garbage', client_id: 'public' })).status, 200);
  });

  test("another site's tokens are answered 200 and ignored", async () => {
    const { tokens } = await devTokens(gateway);
    assert.equal((await revoke(gateway, { token: tokens.refresh_token, client_id: 'public' })).status, 200);
    assert.equal((await revoke(gateway, { token: tokens.access_token, client_id: 'public' })).status, 200);
    assert.equal(await userinfoStatus(gateway, tokens.access_token), 200);
    assert.equal(outcome(await refresh(gateway, tokens.refresh_token)), 200);
  });

  test('a wrong secret is 401 invalid_client and revokes nothing', async () => {
    const { tokens } = await devTokens(gateway);
    const { status, body } = await revoke(gateway, {
      token: tokens.refresh_token,
      client_id: 'blog',
      client_secret: 'not-the-secret-0123456789',
    });
    assert.equal(status, 401);
    assert.equal(body.error, 'invalid_client');
    assert.equal(await userinfoStatus(gateway, tokens.access_token), 200);
    const basic = await revoke(
      gateway,
      { token: tokens.refresh_token },
      basicAuth('blog', 'wrong-secret-0123456789'),
    );
    assert.equal(basic.status, 401);
    assert.ok(basic.headers.get('www-authenticate')?.startsWith('Basic'));
  });

  test('an unknown client is 401, a missing token 400', async () => {
    assert.equal((await revoke(gateway, { token: 'x', client_id: 'nobody' })).status, 401);
    assert.equal((await revoke(gateway, { token: 'x' })).status, 401);
    const missing = await revoke(gateway, { client_id: 'blog' });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error, 'invalid_request');
  });

  test('an expired access token is answered 200 (there is nothing left to revoke)', async () => {
    const { tokens } = await devTokens(gateway);
    gateway.clock.advance(11 * 60_000 + 60_000);
    try {
      assert.equal((await revoke(gateway, { token: tokens.access_token, client_id: 'blog' })).status, 200);
    } finally {
      gateway.clock.advance(-(12 * 60_000));
    }
    assert.equal(outcome(await refresh(gateway, tokens.refresh_token)), 200, 'the login itself lives on');
  });

  test("browsers on a site's pages may call it (CORS), others get no CORS headers", async () => {
    const preflight = await fetch(`${gateway.url}/revoke`, {
      method: 'OPTIONS',
      headers: { origin: 'https://blog.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://blog.example');
    const allowed = await revoke(
      gateway,
      { token: 'x', client_id: 'blog' },
      { origin: 'https://public.example' },
    );
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://public.example');
    const foreign = await revoke(
      gateway,
      { token: 'x', client_id: 'blog' },
      { origin: 'https://evil.example' },
    );
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
  });
});
