import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as byline from 'byline-gateway';

test('the package root exports the gateway API, and createApp refuses to run without keys', () => {
  for (const name of [
    'createApp',
    'startServer',
    'loadConfig',
    'parseConfig',
    'openStore',
    'KeyStore',
    'MemoryStore',
    'RedisStore',
  ])
    assert.equal(typeof (byline as Record<string, unknown>)[name], 'function', name);
  const config = byline.parseConfig({
    publicUrl: 'https://byline.example',
    sites: { blog: { origins: ['https://blog.example'], redirectUris: ['https://blog.example/cb'] } },
    providers: { dev: {} },
  });
  assert.throws(() => byline.createApp(config, {} as never), TypeError);
});
