import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../src/config/load.js';
import { openStore } from '../../src/server.js';
import { MemoryStore } from '../../src/store/memory.js';
import { RedisStore } from '../../src/store/redis.js';

const base = {
  publicUrl: 'https://byline.example',
  sites: { blog: { origins: ['https://blog.example'], redirectUris: ['https://blog.example/cb'] } },
  providers: { dev: {} },
};

test('the memory store is the default', async () => {
  const store = await openStore(parseConfig(base));
  assert.ok(store instanceof MemoryStore);
  await store.close();
});

test('store.sentinels makes the Redis client ask Sentinel for the named master', async () => {
  const config = parseConfig({
    ...base,
    store: {
      kind: 'redis',
      url: 'redis://:secret@ignored:6390/2',
      sentinels: [{ host: '127.0.0.1', port: 1 }],
      sentinelName: 'blog-master',
    },
  });
  assert.equal(config.store.kind === 'redis' && config.store.sentinelName, 'blog-master');
  const store = await openStore(config);
  assert.ok(store instanceof RedisStore);
  const options = store.client.options;
  assert.deepEqual(options.sentinels, [{ host: '127.0.0.1', port: 1 }]);
  assert.equal(options.name, 'blog-master');
  assert.equal(options.password, 'secret');
  assert.equal(options.db, 2);
  store.client.disconnect();
});

test("store.timeout is the deadline of every command of the client, the rate limiters' too", async () => {
  const config = parseConfig({
    ...base,
    store: { kind: 'redis', url: 'redis://127.0.0.1:1/0', timeout: '750ms', waitForReplicas: 1 },
  });
  assert.equal(config.store.kind === 'redis' && config.store.timeout, 750);
  const store = await openStore(config);
  assert.ok(store instanceof RedisStore);
  assert.equal(store.client.options.commandTimeout, 750);
  store.client.disconnect();
});

test('a sentinel list must not be empty', () => {
  assert.throws(() => parseConfig({ ...base, store: { kind: 'redis', sentinels: [] } }), /store\.sentinels/);
});
