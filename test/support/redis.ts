import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
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

/** A redis-server of the test's own on a free port, which the test may stop and restart. */
export class OwnRedis {
  #child: ChildProcess | undefined;
  private constructor(readonly port: number) {}

  static async start(): Promise<OwnRedis> {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const redis = new OwnRedis(port);
    await redis.restart();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  async restart(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    this.#child = child;
    for (let i = 0; i < 100; i++) {
      const client = new Redis(this.url, {
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
        lazyConnect: true,
      });
      client.on('error', () => {});
      try {
        await client.connect();
        await client.ping();
        client.disconnect();
        return;
      } catch {
        client.disconnect();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    throw new Error('redis-server did not start');
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}
