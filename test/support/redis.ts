import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { type RedisProcess, startRedis } from '../../scripts/redis-server.mjs';
import { RedisStore } from '../../src/store/redis.js';

/**
 * The Redis the tests use: `REDIS_URL`, which `npm test` sets to the redis-server it started for the run.
 * A file run on its own (`node --test test/x.test.ts`) starts a private one for its process instead, so
 * that no test ever depends on, or writes to, a Redis it did not start (such as one on the default port).
 */
export const redisUrl = process.env.REDIS_URL ?? (await startRedis()).url;

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

/** A redis-server of the test's own on a free port, which the test may stop and restart. */
export class OwnRedis {
  #server: RedisProcess | undefined;
  private constructor(readonly port: number) {}

  static async start(): Promise<OwnRedis> {
    const server = await startRedis();
    const redis = new OwnRedis(server.port);
    redis.#server = server;
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  /** The running redis-server's pid (for SIGSTOP and the like). */
  get pid(): number | undefined {
    return this.#server?.pid;
  }

  /** Starts it again on the same port, empty (it keeps nothing on disk). */
  async restart(): Promise<void> {
    await this.#server?.stop('SIGKILL');
    this.#server = await startRedis({ port: this.port });
  }

  /** Kills it abruptly (SIGKILL), as an outage would. */
  async stop(): Promise<void> {
    await this.#server?.stop('SIGKILL');
  }
}
