import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RedisStore } from '../../src/store/redis.js';
import { authorizeUrl, devLogin, redeem, redeemLogin } from '../support/flow.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { pkce } from '../support/pkce.js';
import { OwnRedis } from '../support/redis.js';

let redis: OwnRedis;
let gateway: TestGateway;

before(async () => {
  redis = await OwnRedis.start();
  gateway = await startGateway({
    store: new RedisStore({ url: redis.url, prefix: 'outage:' }),
    logger: (await import('pino')).default({ level: 'error' }),
  });
});
after(async () => {
  await gateway.close();
  await redis.stop();
});

async function login() {
  const { location, verifier } = await devLogin(gateway, { name: 'Outage Reader' });
  const { status, body } = await redeemLogin(gateway, { location, verifier });
  assert.equal(status, 200);
  return body as { access_token: string; refresh_token: string };
}

const refresh = (token: string) =>
  redeem(gateway, {
    grant_type: 'refresh_token',
    refresh_token: token,
    client_id: 'blog',
    client_secret: 'test-site-secret-0123456789',
  });

test('with Redis down requests answer 503 with Retry-After, keys still publish, and service comes back by itself', async () => {
  const tokens = await login();
  await redis.stop();

  const refused = await refresh(tokens.refresh_token);
  assert.equal(refused.status, 503);
  assert.equal(refused.body.error, 'temporarily_unavailable');
  assert.equal(refused.headers.get('retry-after'), '5');

  const userinfo = await fetch(`${gateway.url}/userinfo`, {
    headers: { authorization: `Bearer ${tokens.access_token}` },
  });
  assert.equal(userinfo.status, 503, 'a token is not accepted when its session cannot be checked');

  const page = await fetch(authorizeUrl(gateway, pkce().challenge), { redirect: 'manual' });
  assert.equal(page.status, 503);
  assert.match(await page.text(), /<html/);

  assert.equal((await fetch(`${gateway.url}/readyz`)).status, 503);
  assert.equal((await fetch(`${gateway.url}/.well-known/jwks.json`)).status, 200);

  await redis.restart();
  let ready = 0;
  for (let i = 0; i < 100 && ready !== 200; i++) {
    ready = (await fetch(`${gateway.url}/readyz`)).status;
    if (ready !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(ready, 200, 'ready again once Redis is back');

  // The restarted Redis kept nothing: the old login is gone (refused, not a 5xx), a new one works.
  const stale = await refresh(tokens.refresh_token);
  assert.equal(stale.status, 400);
  assert.equal(stale.body.error, 'invalid_grant');
  const fresh = await login();
  assert.equal((await refresh(fresh.refresh_token)).status, 200);
});
