import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisStore } from '../../src/store/redis.js';

/** The Redis the tests use: `REDIS_URL`, or the shared server on 127.0.0.1:6379 (never stopped by tests). */
export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0';

/** A key prefix no other test run shares. */
export function uniquePrefix(label = 'test'): string {
  return `byline-${label}-${process.pid}-${randomBytes(6).toString('hex')}:`;
}

/** A RedisStore on the test Redis under `prefix` (a fresh unique one by default). */
export function redisStore(prefix = uniquePrefix()): RedisStore {
  return new RedisStore({ url: redisUrl, prefix });
}

/** Deletes every key under `prefix`; the test run's own keys only. */
export async function removePrefix(prefix: string): Promise<void> {
  const client = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  try {
    let cursor = '0';
    do {
      const [next, found] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (found.length > 0) await client.del(...found);
    } while (cursor !== '0');
  } finally {
    await client.quit();
  }
}

/** How many keys exist under `prefix`, and whether each has a TTL. */
export async function keysUnder(prefix: string): Promise<{ key: string; pttl: number }[]> {
  const client = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  try {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      keys.push(...found);
    } while (cursor !== '0');
    return Promise.all(keys.map(async (key) => ({ key, pttl: await client.pttl(key) })));
  } finally {
    await client.quit();
  }
}
