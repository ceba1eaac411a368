import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import { devLogin, logoutForm, postLogout, redeemLogin } from './support/flow.js';
import { listenOnFreePort, startGateway, type TestGateway, testSite } from './support/gateway.js';
import { keysUnder, redisStore, removePrefix, uniquePrefix } from './support/redis.js';
import { introspect, refresh, revoke, userinfoStatus } from './support/tokens.js';

// Several Byline instances behind one publicUrl, sharing the key files (one dataDir) and one Redis
// prefix, are interchangeable. Instance B's config names A's URL as publicUrl (the URL readers and
// sites use); the tests then address each instance directly, as a load balancer would.

// Blog redeems, refreshes and introspects with its secret here: `asBlog` for the back-channel calls,
// `withSecret` added to the code grant.
const asBlog = { secret: testSite.secret };
const withSecret = { client_secret: testSite.secret };

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

describe('two instances on one Redis', () => {
  let pair: Pair;
  before(async () => {
    pair = await startPair();
  });
  after(() => pair.close());

  test('log in on A, redeem on B, refresh on A, revoke on B: A then says inactive', async () => {
    const { a, b } = pair;
    const login = await devLogin(a);
    const redeemed = await redeemLogin(b, login, withSecret);
    assert.equal(redeemed.status, 200, JSON.stringify(redeemed.body));
    const access = redeemed.body.access_token as string;
    assert.equal(decodeJwt(access).iss, a.url, 'both instances issue under the one publicUrl');
    assert.equal(await userinfoStatus(a, access), 200, 'A verifies what B signed: the keys are shared');

    const refreshed = await refresh(a, redeemed.body.refresh_token as string, asBlog);
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    assert.equal((await introspect(b, refreshed.body.access_token as string, asBlog)).body.active, true);
    assert.equal(
      (await introspect(b, redeemed.body.refresh_token as string, asBlog)).body.active,
      false,
      'rotated on A',
    );

    const revoked = await revoke(b, {
      token: refreshed.body.refresh_token as string,
      client_id: 'blog',
      client_secret: testSite.secret,
    });
    assert.equal(revoked.status, 200);
    assert.deepEqual((await introspect(a, refreshed.body.access_token as string, asBlog)).body, {
      active: false,
    });
    assert.deepEqual((await introspect(a, refreshed.body.refresh_token as string, asBlog)).body, {
      active: false,
    });
    assert.equal(await userinfoStatus(a, access), 401);
  });

  test('a rotated token reused on the other instance revokes the family everywhere', async () => {
    const { a, b } = pair;
    const first = await redeemLogin(a, await devLogin(a), withSecret);
    const refreshToken = first.body.refresh_token as string;
    const rotated = await refresh(a, refreshToken, asBlog);
    assert.equal(rotated.status, 200);
    const reuse = await refresh(b, refreshToken, asBlog);
    assert.equal(reuse.body.error, 'invalid_grant');
    assert.deepEqual((await introspect(a, rotated.body.access_token as string, asBlog)).body, {
      active: false,
    });
  });

  test('of 50 concurrent redemptions of one code spread over both, exactly one succeeds and none fails with 5xx', async () => {
    const { a, b } = pair;
    const login = await devLogin(a);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => redeemLogin(i % 2 ? a : b, login, withSecret)),
    );
    assert.equal(results.filter((r) => r.status === 200).length, 1);
    assert.ok(
      results.every((r) => r.status === 200 || (r.status === 400 && r.body.error === 'invalid_grant')),
    );
  });

  test('of 30 concurrent refreshes of one token spread over both, exactly one succeeds (no grace)', async () => {
    const { a, b } = pair;
    const tokens = await redeemLogin(a, await devLogin(a), withSecret);
    const token = tokens.body.refresh_token as string;
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => refresh(i % 2 ? a : b, token, asBlog)),
    );
    assert.equal(results.filter((r) => r.status === 200).length, 1);
    assert.ok(
      results.every((r) => r.status === 200 || (r.status === 400 && r.body.error === 'invalid_grant')),
    );
  });

  test('logging out on A ends the site sessions for B too', async () => {
    const { a, b } = pair;
    const login = await devLogin(a);
    const tokens = await redeemLogin(b, login, withSecret);
    const { csrf } = await logoutForm(a, login.browser);
    const done = await postLogout(a, login.browser, { csrf: csrf as string });
    assert.equal(done.response.status, 200);
    assert.equal(await userinfoStatus(b, tokens.body.access_token as string), 401);
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
    const tokens = await redeemLogin(b, await devLogin(a), withSecret);
    const token = tokens.body.refresh_token as string;
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => refresh(i % 2 ? a : b, token, asBlog)),
    );
    assert.ok(
      results.every((r) => r.status === 200),
      JSON.stringify(results.filter((r) => r.status !== 200).map((r) => r.body)),
    );
    const successors = new Set(results.map((r) => r.body.refresh_token));
    assert.equal(successors.size, 1);
    const next = await refresh(a, [...successors][0] as string, asBlog);
    assert.equal(next.status, 200);
  });
});
