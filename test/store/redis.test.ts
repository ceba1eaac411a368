import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { RedisStore } from '../../src/store/redis.js';
import { keysUnder, redisStore, redisUrl, removePrefix, uniquePrefix } from '../support/redis.js';
import { storeContract } from './contract.js';

const prefixes: string[] = [];
after(async () => {
  await Promise.all(prefixes.map((prefix) => removePrefix(prefix)));
});

function fresh(label?: string): { store: RedisStore; prefix: string } {
  const prefix = uniquePrefix(label);
  prefixes.push(prefix);
  return { store: redisStore(prefix), prefix };
}

// Redis keeps its own time, so the contract's clock cannot move it: `advance` waits instead.
storeContract('redis', async () => ({
  store: fresh('contract').store,
  async advance(ms) {
    await sleep(ms);
  },
}));

describe('the redis store on its own', () => {
  test('every key lives under the prefix and carries a TTL', async () => {
    const { store, prefix } = fresh();
    await store.set('value', { a: 1 }, 60_000);
    await store.swap('added', undefined, { value: 'x', ttlMs: 60_000 });
    await store.write([{ op: 'addToSet', key: 'set', members: ['m1', 'm2'], ttlMs: 60_000 }]);
    const keys = await keysUnder(prefix);
    assert.deepEqual(keys.map((k) => k.key).sort(), [`${prefix}added`, `${prefix}set`, `${prefix}value`]);
    for (const { key, pttl } of keys) assert.ok(pttl > 0 && pttl <= 60_000, `${key} has pttl ${pttl}`);
    await store.close();
  });

  test('a set gets its TTL on creation and only ever extends it', async () => {
    const { store, prefix } = fresh();
    const client = new Redis(redisUrl);
    await store.write([{ op: 'addToSet', key: 'index', members: ['a'], ttlMs: 5_000 }]);
    const first = await client.pttl(`${prefix}index`);
    assert.ok(first > 4_000 && first <= 5_000, `pttl ${first}`);
    await store.write([{ op: 'addToSet', key: 'index', members: ['b'], ttlMs: 1_000 }]);
    assert.ok((await client.pttl(`${prefix}index`)) > 4_000, 'a shorter ttl does not shorten the set');
    await store.write([{ op: 'addToSet', key: 'index', members: ['c'], ttlMs: 60_000 }]);
    assert.ok((await client.pttl(`${prefix}index`)) > 50_000, 'a longer ttl extends it');
    await client.quit();
    await store.close();
  });

  test('large member lists are added in full', async () => {
    const { store } = fresh();
    const members = Array.from({ length: 2500 }, (_, i) => `member-${i}`);
    await store.write([{ op: 'addToSet', key: 'big', members, ttlMs: 60_000 }]);
    assert.equal((await store.members('big')).length, 2500);
    await store.close();
  });

  test('two stores with different prefixes do not see each other', async () => {
    const a = fresh();
    const b = fresh();
    await a.store.set('same-key', 'from a', 60_000);
    assert.equal(await b.store.get('same-key'), undefined);
    assert.equal(await a.store.get('same-key'), 'from a');
    await a.store.close();
    await b.store.close();
  });

  test('two stores on one prefix share state: one take wins across both', async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const a = redisStore(prefix);
    const b = redisStore(prefix);
    await a.set('code', { n: 1 }, 60_000);
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).take<{ n: number }>('code')),
    );
    assert.equal(results.filter((r) => r !== undefined).length, 1);
    await a.close();
    await b.close();
  });

  test('a fractional ttl is rounded up, not rejected by Redis', async () => {
    const { store } = fresh();
    await store.set('fraction', 'v', 1500.4);
    assert.equal(await store.get('fraction'), 'v');
    await store.close();
  });

  test('an unreachable Redis makes operations reject (no silent success), and ping fails', async () => {
    const store = new RedisStore({
      url: 'redis://127.0.0.1:1/0',
      prefix: uniquePrefix(),
      options: { maxRetriesPerRequest: 0, retryStrategy: () => null },
    });
    await assert.rejects(store.ping());
    await assert.rejects(store.set('k', 'v', 1000));
    await assert.rejects(store.take('k'));
    await store.close();
  });

  test('close leaves a client it was given open', async () => {
    const client = new Redis(redisUrl);
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const store = new RedisStore({ client, prefix });
    await store.set('k', 'v', 60_000);
    await store.close();
    assert.equal(await client.ping(), 'PONG');
    await client.quit();
  });
});

describe('openStore', () => {
  test('opens a RedisStore for store.kind redis, with the configured prefix', async () => {
    const { openStore } = await import('../../src/server.js');
    const { parseConfig } = await import('../../src/config/load.js');
    const prefix = uniquePrefix('open');
    prefixes.push(prefix);
    const config = parseConfig(
      {
        publicUrl: 'http://127.0.0.1:3999',
        store: { kind: 'redis', url: redisUrl, prefix },
        sites: { blog: { origins: ['https://blog.example'], redirectUris: ['https://blog.example/cb'] } },
        providers: { dev: { type: 'dev' } },
      },
      { env: {}, cwd: process.cwd() },
    );
    const store = await openStore(config);
    assert.ok(store instanceof RedisStore);
    await store.ping();
    await store.set('k', 'v', 60_000);
    assert.deepEqual(
      (await keysUnder(prefix)).map((k) => k.key),
      [`${prefix}k`],
    );
    await store.close();
  });
});
