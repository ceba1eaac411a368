import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import { Browser } from './support/browser.js';
import { devLogin, redeem, siteParams } from './support/flow.js';
import { listenOnFreePort, startGateway, type TestGateway, testSite } from './support/gateway.js';
import { keysUnder, redisStore, removePrefix, uniquePrefix } from './support/redis.js';

// Several Byline instances behind one publicUrl, sharing the key files (one dataDir) and one Redis
// prefix, are interchangeable. Instance B's config names A's URL as publicUrl (the URL readers and
// sites use); the tests then address each instance directly, as a load balancer would.

const redirectUri = 'https://blog.example/callback';
const secretAuth = { client_id: 'blog', client_secret: testSite.secret };

interface Pair {
  a: TestGateway;
  b: TestGateway;
  prefix: string;
  close(): Promise<void>;
}

async function startPair(config: Record<string, unknown> = {}): Promise<Pair> {
  const dataDir = await mkdtemp(join(tmpdir(), 'byline-multi-'));
  const prefix = uniquePrefix('multi');
  const listening = await listenOnFreePort();
  const a = await startGateway({ listening, dataDir, store: redisStore(prefix), config });
  const b = await startGateway({ dataDir, publicUrl: a.url, store: redisStore(prefix), config });
  return {
    a,
    b,
    prefix,
    async close() {
      await Promise.all([a.close(), b.close()]);
      await removePrefix(prefix);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function post(gateway: TestGateway, path: string, fields: Record<string, string>) {
  return fetch(new URL(path, gateway.url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

async function introspect(gateway: TestGateway, token: string): Promise<Record<string, unknown>> {
  return (await (await post(gateway, '/introspect', { token, ...secretAuth })).json()) as Record<
    string,
    unknown
  >;
}

async function userinfo(gateway: TestGateway, token: string): Promise<number> {
  return (await fetch(new URL('/userinfo', gateway.url), { headers: { authorization: `Bearer ${token}` } }))
    .status;
}

/** A login completed on `on`, whose code is still to be redeemed. */
async function loginOn(on: TestGateway, browser = new Browser()) {
  const { location, verifier } = await devLogin(on, { browser, name: 'Multi Instance' });
  const code = siteParams(location).get('code') as string;
  return {
    browser,
    fields: {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
      ...secretAuth,
    },
  };
}

describe('two instances on one Redis', () => {
  let pair: Pair;
  before(async () => {
    pair = await startPair();
  });
  after(() => pair.close());

  test('log in on A, redeem on B, refresh on A, revoke on B: A then says inactive', async () => {
    const { a, b } = pair;
    const { fields } = await loginOn(a);
    const redeemed = await redeem(b, fields);
    assert.equal(redeemed.status, 200, JSON.stringify(redeemed.body));
    const access = redeemed.body.access_token as string;
    assert.equal(decodeJwt(access).iss, a.url, 'both instances issue under the one publicUrl');
    assert.equal(await userinfo(a, access), 200, 'A verifies what B signed: the keys are shared');

    const refreshed = await redeem(a, {
      grant_type: 'refresh_token',
      refresh_token: redeemed.body.refresh_token as string,
      ...secretAuth,
    });
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    assert.equal((await introspect(b, refreshed.body.access_token as string)).active, true);
    assert.equal((await introspect(b, redeemed.body.refresh_token as string)).active, false, 'rotated on A');

    const revoked = await post(b, '/revoke', {
      token: refreshed.body.refresh_token as string,
      ...secretAuth,
    });
    assert.equal(revoked.status, 200);
    assert.deepEqual(await introspect(a, refreshed.body.access_token as string), { active: false });
    assert.deepEqual(await introspect(a, refreshed.body.refresh_token as string), { active: false });
    assert.equal(await userinfo(a, access), 401);
  });

  test('a rotated token reused on the other instance revokes the family everywhere', async () => {
    const { a, b } = pair;
    const { fields } = await loginOn(a);
    const first = await redeem(a, fields);
    const refreshToken = first.body.refresh_token as string;
    const rotated = await redeem(a, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      ...secretAuth,
    });
    assert.equal(rotated.status, 200);
    const reuse = await redeem(b, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      ...secretAuth,
    });
    assert.equal(reuse.body.error, 'invalid_grant');
    assert.deepEqual(await introspect(a, rotated.body.access_token as string), { active: false });
  });

  test('of 50 concurrent redemptions of one code spread over both, exactly one succeeds and none fails with 5xx', async () => {
    const { a, b } = pair;
    const { fields } = await loginOn(a);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => redeem(i % 2 ? a : b, fields)));
    assert.equal(results.filter((r) => r.status === 200).length, 1);
    assert.ok(
      results.every((r) => r.status === 200 || (r.status === 400 && r.body.error === 'invalid_grant')),
    );
  });

  test('of 30 concurrent refreshes of one token spread over both, exactly one succeeds (no grace)', async () => {
    const { a, b } = pair;
    const { fields } = await loginOn(a);
    const tokens = await redeem(a, fields);
    const refresh = {
      grant_type: 'refresh_token',
      refresh_token: tokens.body.refresh_token as string,
      ...secretAuth,
    };
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => redeem(i % 2 ? a : b, refresh)));
    assert.equal(results.filter((r) => r.status === 200).length, 1);
    assert.ok(
      results.every((r) => r.status === 200 || (r.status === 400 && r.body.error === 'invalid_grant')),
    );
  });

  test('logging out on A ends the site sessions for B too', async () => {
    const { a, b } = pair;
    const { fields, browser } = await loginOn(a);
    const tokens = await redeem(b, fields);
    const page = await browser.request(new URL('/logout', a.url));
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)?.[1] as string;
    const done = await browser.request(new URL('/logout', a.url), {
      method: 'POST',
      body: new URLSearchParams({ csrf }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
    });
    assert.equal(done.response.status, 200);
    assert.equal(await userinfo(b, tokens.body.access_token as string), 401);
  });

  test('every key Byline wrote to Redis carries a TTL', async () => {
    const keys = await keysUnder(pair.prefix);
    assert.ok(keys.length > 0);
    const forever = keys.filter(({ pttl }) => pttl < 0);
    assert.deepEqual(forever, []);
  });
});

describe('two instances on one Redis, with tokens.refreshReuseGrace', () => {
  let pair: Pair;
  before(async () => {
    pair = await startPair({ tokens: { refreshReuseGrace: '30s' } });
  });
  after(() => pair.close());

  test('concurrent refreshes spread over both all get the one successor, which then rotates once', async () => {
    const { a, b } = pair;
    const { fields } = await loginOn(a);
    const tokens = await redeem(b, fields);
    const refresh = {
      grant_type: 'refresh_token',
      refresh_token: tokens.body.refresh_token as string,
      ...secretAuth,
    };
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => redeem(i % 2 ? a : b, refresh)));
    assert.ok(
      results.every((r) => r.status === 200),
      JSON.stringify(results.filter((r) => r.status !== 200).map((r) => r.body)),
    );
    const successors = new Set(results.map((r) => r.body.refresh_token));
    assert.equal(successors.size, 1);
    const next = await redeem(a, {
      grant_type: 'refresh_token',
      refresh_token: [...successors][0] as string,
      ...secretAuth,
    });
    assert.equal(next.status, 200);
  });
});
