import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MemoryStore } from '../../../src/store/memory.js';
import type { Store } from '../../../src/store/store.js';
import { Browser } from '../../support/browser.js';
import { authorizeUrl, loginCommenter } from '../../support/flow.js';
import { listenOnFreePort, startGateway, type TestGateway } from '../../support/gateway.js';
import { type MastodonDouble, startMastodonDouble } from '../../support/mastodon-double.js';
import { pkce } from '../../support/pkce.js';
import { redisStore, removePrefix, uniquePrefix } from '../../support/redis.js';

/** Two Byline instances behind one publicUrl (the first's), sharing a dataDir and, through `stores`, the state. */
async function twoInstances(stores: [Store, Store], dataDir: string): Promise<[TestGateway, TestGateway]> {
  const listening = await listenOnFreePort();
  const config = { providers: { mastodon: {} }, http: { allowPrivateUpstreams: true } };
  const a = await startGateway({ listening, config, store: stores[0], dataDir });
  const b = await startGateway({ config, store: stores[1], dataDir, publicUrl: a.url });
  return [a, b];
}

/** `/authorize?idp=mastodon&login_hint=…` on `gateway`: where the reader is sent, and their browser. */
async function begin(gateway: TestGateway, handle: string) {
  const browser = new Browser();
  const { verifier, challenge } = pkce();
  const url = authorizeUrl(gateway, challenge, { idp: 'mastodon' });
  url.searchParams.set('login_hint', handle);
  const hop = await browser.request(url);
  assert.equal(hop.response.status, 302, hop.body.slice(0, 300));
  return { browser, verifier, location: new URL(hop.response.headers.get('location') ?? '') };
}

describe('mastodon: one registration per instance, however many readers arrive at once, on however many Byline instances', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'byline-mastodon-'));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  async function concurrentFirstLogins(stores: [Store, Store]): Promise<MastodonDouble> {
    const double = await startMastodonDouble('4.3');
    // The instance takes its time to register, so every reader arrives while the first registration runs.
    double.appDelayMs = 300;
    const [a, b] = await twoInstances(stores, dataDir);
    try {
      const host = new URL(double.url).host;
      const logins = await Promise.all(
        Array.from({ length: 12 }, (_, i) => begin(i % 2 ? b : a, `@reader${i}@${host}`)),
      );
      assert.equal(double.to('POST', '/api/v1/apps').length, 1, 'registered once');
      const [clientId] = [...double.apps.keys()];
      for (const { location } of logins) {
        assert.equal(`${location.origin}${location.pathname}`, `${double.url}/oauth/authorize`);
        assert.equal(location.searchParams.get('client_id'), clientId);
        const tag = createHash('sha256').update(double.url).digest('base64url').slice(0, 12);
        assert.equal(location.searchParams.get('redirect_uri'), `${a.url}/auth/mastodon/callback?i=${tag}`);
      }
      // A login begun on B finishes on A, the publicUrl both share, with the registration from the Store.
      const fromB = logins[1];
      assert.ok(fromB);
      const done = await fromB.browser.follow(fromB.location, {}, (l) =>
        l.startsWith('https://blog.example/'),
      );
      const commenter = await loginCommenter(a, { location: done.location, verifier: fromB.verifier });
      assert.equal(commenter.sub, `mastodon:${host}:109348271846154372`);
      assert.equal(double.to('POST', '/api/v1/apps').length, 1);
      return double;
    } finally {
      await b.close();
      await a.close();
      await double.close();
    }
  }

  test('two gateways sharing one MemoryStore', async () => {
    const store = new MemoryStore({ clock: { now: () => Date.now() } });
    await concurrentFirstLogins([store, store]);
  });

  test('two gateways on one Redis (two clients, one prefix); the registration keeps for a year', async () => {
    const prefix = uniquePrefix('mastodon');
    const stores: [Store, Store] = [redisStore(prefix), redisStore(prefix)];
    try {
      const double = await concurrentFirstLogins(stores);
      const check = redisStore(prefix);
      try {
        const key = `mastodon:mastodon:app:${double.url}`;
        const saved = await check.get<{ clientId: string; clientSecret: string }>(key);
        assert.equal(saved?.clientId, [...double.apps.keys()][0]);
        const client = check.redis?.client;
        assert.ok(client);
        const ttl = await client.pttl(`${prefix}${key}`);
        assert.ok(ttl > 364 * 24 * 3600_000 && ttl <= 365 * 24 * 3600_000, `${ttl} ms`);
        // (A swap that removes a key leaves a short removal mark in Redis, absent to every reader.)
        assert.equal(await check.get(`mastodon:mastodon:lock:${double.url}`), undefined, 'the lock is gone');
      } finally {
        await check.close();
      }
    } finally {
      await removePrefix(prefix);
    }
  });
});
