import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import { devTokens } from '../../support/flow.js';
import { startGateway, type TestGateway, testSite } from '../../support/gateway.js';
import { basicAuth, introspect, post, refresh, revoke } from '../../support/tokens.js';

const otherSite = {
  origins: ['https://other.example'],
  redirectUris: ['https://other.example/callback'],
  secret: 'other-site-secret-0123456789',
};
const publicSite = { origins: ['https://public.example'], redirectUris: ['https://public.example/callback'] };

let gateway: TestGateway;
before(async () => {
  gateway = await startGateway({
    config: { sites: { blog: testSite, other: otherSite, public: publicSite }, tokens: { refreshTtl: '7d' } },
  });
});
after(() => gateway.close());

const asBlog = { secret: testSite.secret };

describe('POST /introspect', () => {
  test('answers a live access token of the site with its claims', async () => {
    const { tokens } = await devTokens(gateway, asBlog);
    const claims = decodeJwt(tokens.access_token);
    const { status, body, headers } = await introspect(gateway, tokens.access_token, asBlog);
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
    const { tokens } = await devTokens(gateway, asBlog);
    const claims = decodeJwt(tokens.access_token);
    const { body } = await introspect(gateway, tokens.refresh_token, asBlog);
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

  test('tokens of a scoped request say their scope, and no idp without profile', async () => {
    const { tokens } = await devTokens(gateway, { ...asBlog, params: { scope: 'openid email' } });
    for (const token of [tokens.access_token, tokens.refresh_token]) {
      const { body } = await introspect(gateway, token, asBlog);
      assert.equal(body.active, true);
      assert.equal(body.scope, 'openid email');
      assert.equal(body.idp, undefined);
    }
  });

  test('a rotated refresh token is inactive; its successor is active', async () => {
    const { tokens } = await devTokens(gateway, asBlog);
    const rotated = await refresh(gateway, tokens.refresh_token, asBlog);
    assert.deepEqual((await introspect(gateway, tokens.refresh_token, asBlog)).body, { active: false });
    assert.equal((await introspect(gateway, rotated.body.refresh_token as string, asBlog)).body.active, true);
  });

  test('an unexpired access token whose site session ended is inactive', async () => {
    const { tokens } = await devTokens(gateway, asBlog);
    const revoked = await revoke(gateway, { token: tokens.refresh_token, client_id: 'blog' });
    assert.equal(revoked.status, 200);
    assert.deepEqual((await introspect(gateway, tokens.access_token, asBlog)).body, { active: false });
    assert.deepEqual((await introspect(gateway, tokens.refresh_token, asBlog)).body, { active: false });
  });

  test('an expired access token is inactive', async () => {
    const { tokens } = await devTokens(gateway, asBlog);
    gateway.clock.advance(10 * 60_000 + 61_000);
    try {
      assert.deepEqual((await introspect(gateway, tokens.access_token, asBlog)).body, { active: false });
    } finally {
      gateway.clock.advance(-(10 * 60_000 + 61_000));
    }
  });

  test("another site's tokens are inactive to it", async () => {
    const { tokens } = await devTokens(gateway, asBlog);
    const other = { site: 'other', secret: otherSite.secret };
    assert.deepEqual((await introspect(gateway, tokens.access_token, other)).body, { active: false });
    assert.deepEqual((await introspect(gateway, tokens.refresh_token, other)).body, { active: false });
  });

  test('unknown and malformed tokens are inactive; a missing token is 400', async () => {
    assert.deepEqual((await introspect(gateway, 'A'.repeat(43), asBlog)).body, { active: false });
    assert.deepEqual((await introspect(gateway, 'x.y.z', asBlog)).body, { active: false });
    assert.deepEqual((await introspect(gateway, 'garbage', asBlog)).body, { active: false });
    const missing = await introspect(gateway, undefined, asBlog);
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error, 'invalid_request');
  });

  test('only confidential sites may ask: no secret, a wrong secret or a public site is 401', async () => {
    const { tokens } = await devTokens(gateway, asBlog);
    for (const auth of [
      {},
      { secret: 'not-the-secret-0123456789' },
      { site: 'public' },
      { site: 'nobody' },
    ]) {
      const { status, body } = await introspect(gateway, tokens.access_token, auth);
      assert.equal(status, 401, JSON.stringify(auth));
      assert.equal(body.error, 'invalid_client');
      assert.equal(body.active, undefined);
    }
  });

  test('client_secret_basic works', async () => {
    const { tokens } = await devTokens(gateway, asBlog);
    const { body } = await post(
      gateway,
      '/introspect',
      { token: tokens.access_token },
      basicAuth('blog', testSite.secret),
    );
    assert.equal(body.active, true);
  });
});
