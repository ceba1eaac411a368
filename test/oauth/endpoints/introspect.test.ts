import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import { devLogin, redeem, redeemLogin } from '../../support/flow.js';
import { startGateway, type TestGateway, testSite } from '../../support/gateway.js';

const otherSite = {
  origins: ['https://other.example'],
  redirectUris: ['https://other.example/callback'],
  secret: 'other-site-secret-0123456789',
};
const publicSite = { origins: ['https://public.example'], redirectUris: ['https://public.example/callback'] };

type Tokens = { access_token: string; refresh_token: string };

let gateway: TestGateway;
before(async () => {
  gateway = await startGateway({
    config: { sites: { blog: testSite, other: otherSite, public: publicSite }, tokens: { refreshTtl: '7d' } },
  });
});
after(() => gateway.close());

async function login(): Promise<Tokens> {
  const { location, verifier } = await devLogin(gateway, { name: 'Introspection Tester' });
  const { status, body } = await redeemLogin(
    gateway,
    { location, verifier },
    { client_secret: testSite.secret },
  );
  assert.equal(status, 200, JSON.stringify(body));
  return body as unknown as Tokens;
}

async function introspect(token: string | undefined, auth: { id?: string; secret?: string } = {}) {
  const fields: Record<string, string> = {
    ...(token !== undefined ? { token } : {}),
    client_id: auth.id ?? 'blog',
    ...(auth.secret !== undefined ? { client_secret: auth.secret } : {}),
  };
  const response = await fetch(`${gateway.url}/introspect`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

const asBlog = { secret: testSite.secret };

describe('POST /introspect', () => {
  test('answers a live access token of the site with its claims', async () => {
    const tokens = await login();
    const claims = decodeJwt(tokens.access_token);
    const { status, body, headers } = await introspect(tokens.access_token, asBlog);
    assert.equal(status, 200);
    assert.equal(headers.get('cache-control'), 'no-store');
    assert.deepEqual(body, {
      active: true,
      iss: gateway.url,
      aud: 'blog',
      client_id: 'blog',
      sid: claims.sid,
      sub: claims.sub,
      idp: 'dev',
      exp: claims.exp,
      iat: claims.iat,
      jti: claims.jti,
      token_type: 'Bearer',
    });
  });

  test('answers a live refresh token with the login it belongs to and the family expiry', async () => {
    const tokens = await login();
    const claims = decodeJwt(tokens.access_token);
    const { body } = await introspect(tokens.refresh_token, asBlog);
    assert.equal(body.active, true);
    assert.equal(body.token_type, 'refresh_token');
    assert.equal(body.sub, claims.sub);
    assert.equal(body.sid, claims.sid);
    assert.equal(body.client_id, 'blog');
    assert.equal(body.aud, 'blog');
    assert.equal(body.idp, 'dev');
    assert.equal(body.iss, gateway.url);
    assert.equal(body.exp, Math.floor((gateway.clock.now() + 7 * 86_400_000) / 1000));
    assert.equal(body.iat, Math.floor(gateway.clock.now() / 1000));
  });

  test('a rotated refresh token is inactive; its successor is active', async () => {
    const tokens = await login();
    const rotated = await redeem(gateway, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: 'blog',
      client_secret: testSite.secret,
    });
    assert.deepEqual((await introspect(tokens.refresh_token, asBlog)).body, { active: false });
    assert.equal((await introspect(rotated.body.refresh_token as string, asBlog)).body.active, true);
  });

  test('an unexpired access token whose site session ended is inactive', async () => {
    const tokens = await login();
    const revoke = await fetch(`${gateway.url}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokens.refresh_token, client_id: 'blog' }).toString(),
    });
    assert.equal(revoke.status, 200);
    assert.deepEqual((await introspect(tokens.access_token, asBlog)).body, { active: false });
    assert.deepEqual((await introspect(tokens.refresh_token, asBlog)).body, { active: false });
  });

  test('an expired access token is inactive', async () => {
    const tokens = await login();
    gateway.clock.advance(10 * 60_000 + 61_000);
    try {
      assert.deepEqual((await introspect(tokens.access_token, asBlog)).body, { active: false });
    } finally {
      gateway.clock.advance(-(10 * 60_000 + 61_000));
    }
  });

  test("another site's tokens are inactive to it", async () => {
    const tokens = await login();
    const other = { id: 'other', secret: otherSite.secret };
    assert.deepEqual((await introspect(tokens.access_token, other)).body, { active: false });
    assert.deepEqual((await introspect(tokens.refresh_token, other)).body, { active: false });
  });

  test('unknown and malformed tokens are inactive; a missing token is 400', async () => {
    assert.deepEqual((await introspect('A'.repeat(43), asBlog)).body, { active: false });
    assert.deepEqual((await introspect('x.y.z', asBlog)).body, { active: false });
    assert.deepEqual((await introspect('garbage', asBlog)).body, { active: false });
    const missing = await introspect(undefined, asBlog);
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error, 'invalid_request');
  });

  test('only confidential sites may ask: no secret, a wrong secret or a public site is 401', async () => {
    const tokens = await login();
    for (const auth of [{}, { secret: 'not-the-secret-0123456789' }, { id: 'public' }, { id: 'nobody' }]) {
      const { status, body } = await introspect(tokens.access_token, auth);
      assert.equal(status, 401, JSON.stringify(auth));
      assert.equal(body.error, 'invalid_client');
      assert.equal(body.active, undefined);
    }
  });

  test('client_secret_basic works', async () => {
    const tokens = await login();
    const response = await fetch(`${gateway.url}/introspect`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`blog:${testSite.secret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ token: tokens.access_token }).toString(),
    });
    assert.equal(((await response.json()) as { active: boolean }).active, true);
  });
});
