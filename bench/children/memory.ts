// Memory per live session, run with --expose-gc. A real login through Byline (dist/) and the WordPress.com
// double is recorded at the Store interface; the recording, with fresh identifiers, is replayed into a
// memory store 100k times (heap delta after GC) and into Redis (MEMORY USAGE of every key it wrote).
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pino from 'pino';
import { redisUrl, removePrefix } from '../../test/support/redis.js';
import { startWordPressDouble } from '../../test/support/wordpress-double.js';
import { benchConfig } from '../lib/byline.js';
import { bylineLogin, bylineStartLogin } from '../lib/login.js';
import { fromDist } from './dist.js';
import { exitWithParent, ready } from './ipc.js';

type Store = import('../../src/store/store.js').Store;
const { createApp } = await fromDist<typeof import('../../src/app.js')>('app.js');
const { parseConfig } = await fromDist<typeof import('../../src/config/load.js')>('config/load.js');
const { KeyStore } = await fromDist<typeof import('../../src/tokens/keystore.js')>('tokens/keystore.js');
const { algorithmsInUse } =
  await fromDist<typeof import('../../src/tokens/algorithms.js')>('tokens/algorithms.js');
const { MemoryStore } = await fromDist<typeof import('../../src/store/memory.js')>('store/memory.js');
const { RedisStore } = await fromDist<typeof import('../../src/store/redis.js')>('store/redis.js');

const sessions = Number(process.env.BENCH_MEMORY_SESSIONS ?? 100_000);
const redisSessions = Number(process.env.BENCH_REDIS_SESSIONS ?? 2_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

interface Call {
  method: string;
  /** The JSON of the arguments, split at the identifiers (their number and length). */
  parts: (string | { id: number; length: number })[];
}

/** Methods that only read: left out of the replay. */
const readOnly = new Set(['get', 'getVersioned', 'members', 'ping', 'close']);
/** Random identifiers (ids, hashes, states, verifiers) and the double's WordPress.com user ID. */
const identifier = /[A-Za-z0-9_-]{16,}|81234567/g;

/** Wraps a store so that every writing call is recorded, whatever the Store interface holds today. */
function recording(store: Store, calls: { method: string; json: string }[]): Store {
  return new Proxy(store, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== 'function') return value;
      const method = String(property);
      return (...args: unknown[]) => {
        if (!readOnly.has(method)) calls.push({ method, json: JSON.stringify(args) });
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

async function recordOneSession(): Promise<Call[]> {
  const wordpress = await startWordPressDouble();
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  wordpress.register(`http://127.0.0.1:${port}/auth/wordpress/callback`);
  const dataDir = await mkdtemp(join(tmpdir(), 'byline-bench-memory-'));
  const config = parseConfig(benchConfig(port, wordpress), { env: {}, cwd: dataDir });
  const keys = await KeyStore.open(config.dataDir, {
    algorithm: config.tokens.algorithm,
    algorithms: algorithmsInUse(config),
    clock: { now: Date.now },
  });
  const calls: { method: string; json: string }[] = [];
  const store = recording(new MemoryStore(), calls);
  const app = createApp(config, { keys, store, logger: pino({ level: 'silent' }) });
  server.on('request', app);
  const url = `http://127.0.0.1:${port}`;
  // One reader logged in (browser session, site session, refresh family, indexes, used code) and one
  // login in progress (the authorization request and the transaction waiting for the provider).
  await bylineLogin(url);
  await bylineStartLogin(url);
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await wordpress.close();
  await rm(dataDir, { recursive: true, force: true });
  const ids = new Map<string, number>();
  return calls.map(({ method, json }) => {
    const parts: Call['parts'] = [];
    let last = 0;
    for (const match of json.matchAll(identifier)) {
      parts.push(json.slice(last, match.index));
      if (!ids.has(match[0])) ids.set(match[0], ids.size);
      parts.push({ id: ids.get(match[0]) as number, length: match[0].length });
      last = match.index + match[0].length;
    }
    parts.push(json.slice(last));
    return { method, parts };
  });
}

/** The recorded identifiers, made unique per replay `n`, each as long as the one it replaces. */
function fresh(template: Call[], n: number): { method: string; args: unknown[] }[] {
  const suffix = `-${n.toString(36)}`;
  return template.map(({ method, parts }) => {
    let json = '';
    for (const part of parts) {
      if (typeof part === 'string') json += part;
      else json += `${part.id.toString(36)}${suffix}`.padStart(part.length, 'A');
    }
    return { method, args: JSON.parse(json) as unknown[] };
  });
}

async function replay(store: Store, template: Call[], n: number): Promise<void> {
  for (const { method, args } of fresh(template, n)) {
    const fn = (store as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method];
    if (!fn) throw new Error(`the store has no ${method}`);
    await fn.apply(store, args);
  }
}

const template = await recordOneSession();
// BENCH_MEMORY_DUMP=1 prints the recorded writes, identifiers shown as <length>.
if (process.env.BENCH_MEMORY_DUMP) {
  for (const { method, parts } of template) {
    const text = parts.map((part) => (typeof part === 'string' ? part : `<${part.length}>`)).join('');
    process.stderr.write(`${method} ${text}\n`);
  }
}

function heapUsed(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

const memoryStore = new MemoryStore({ sweepInterval: 3_600_000 });
const before = heapUsed();
for (let n = 0; n < sessions; n++) await replay(memoryStore, template, n);
const after = heapUsed();
const memoryEntries = memoryStore.size;

const prefix = `byline-bench-${process.pid}-${Date.now().toString(36)}:`;
const redisStore = new RedisStore({ url: redisUrl, prefix });
const client = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
const byKind: Record<string, { keys: number; bytes: number }> = {};
let redisBytes = 0;
try {
  for (let n = 0; n < redisSessions; n++) await replay(redisStore, template, n);
  // A take (the used code, the spent transaction) leaves a removal mark for twice the store's deadline,
  // so that a take ioredis re-sends recognises itself (store/redis-scripts.ts); a live session keeps none.
  await new Promise((resolve) => setTimeout(resolve, 2 * 2000 + 500));
  let cursor = '0';
  do {
    const [next, found] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    const pipeline = client.pipeline();
    for (const key of found) pipeline.call('MEMORY', 'USAGE', key, 'SAMPLES', '0');
    const sizes = (await pipeline.exec()) ?? [];
    found.forEach((key, i) => {
      const bytes = Number(sizes[i]?.[1] ?? 0);
      const kind = key.slice(prefix.length).split(':')[0] as string;
      byKind[kind] ??= { keys: 0, bytes: 0 };
      (byKind[kind] as { keys: number; bytes: number }).keys++;
      (byKind[kind] as { keys: number; bytes: number }).bytes += bytes;
      redisBytes += bytes;
    });
  } while (cursor !== '0');
} finally {
  // Only this run's keys; the shared Redis itself is never stopped.
  await removePrefix(prefix);
  await client.quit();
  await redisStore.close();
}

ready({
  memory: {
    sessions,
    bytesPerSession: (after - before) / sessions,
    entriesPerSession: memoryEntries / sessions,
    writesPerSession: template.length,
  },
  redis: {
    sessions: redisSessions,
    bytesPerSession: redisBytes / redisSessions,
    byKind: Object.fromEntries(
      Object.entries(byKind).map(([kind, { keys, bytes }]) => [
        kind,
        { keysPerSession: keys / redisSessions, bytesPerSession: bytes / redisSessions },
      ]),
    ),
  },
});
exitWithParent(() => memoryStore.close());
