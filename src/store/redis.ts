import { Redis, type RedisOptions } from 'ioredis';
import { assertTtl, assertWrites, type ClaimResult, type Store, type StoreWrite } from './store.js';

export interface RedisStoreOptions {
  /** `redis://[user:password@]host:port/db` or `rediss://` for TLS. */
  url?: string;
  /** Prepended to every key, so several deployments (or test runs) can share one Redis. */
  prefix: string;
  /** ioredis options (Sentinel: `sentinels` + `name`; TLS; timeouts), merged over Byline's defaults. */
  options?: RedisOptions;
  /** An existing client; the store then leaves closing it to the caller. */
  client?: Redis;
  /** Told about connection errors (ioredis keeps reconnecting by itself); commands still reject. */
  onError?: (error: Error) => void;
}

/** PX wants a positive integer of milliseconds. */
const px = (ttlMs: number) => Math.max(1, Math.ceil(ttlMs));

/**
 * SADD the members, then move the set's expiry later, never earlier: `PEXPIRE … GT` would treat the
 * fresh set's "no expiry" as infinite and refuse, so the comparison is done here, atomically.
 */
const addToSetScript = `
redis.call('SADD', KEYS[1], unpack(ARGV, 2))
local ttl = redis.call('PTTL', KEYS[1])
if ttl < tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return 1
`;

/**
 * `write` and `claim` in one script. KEYS: the claim key (or a placeholder), the required keys, then one
 * key per write. ARGV: mode, claim value, claim PX, number of required keys, then the writes as JSON
 * `[op, value, px]` (op `set`, `del` or `sadd` with the members as value). Set expiries only move later,
 * as in addToSet.
 */
const batchScript = `
local nreq = tonumber(ARGV[4])
if ARGV[1] == 'claim' then
  for i = 2, nreq + 1 do
    if redis.call('EXISTS', KEYS[i]) == 0 then return 'missing' end
  end
  if not redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3], 'NX') then return 'taken' end
end
local writes = cjson.decode(ARGV[5])
for i, w in ipairs(writes) do
  local key = KEYS[nreq + 1 + i]
  if w[1] == 'set' then
    redis.call('SET', key, w[2], 'PX', w[3])
  elseif w[1] == 'del' then
    redis.call('DEL', key)
  else
    for j = 1, #w[2], 1000 do redis.call('SADD', key, unpack(w[2], j, math.min(j + 999, #w[2]))) end
    if redis.call('PTTL', key) < tonumber(w[3]) then redis.call('PEXPIRE', key, w[3]) end
  end
end
return 'claimed'
`;

/** Lua's unpack has a stack limit; larger member lists are sent in chunks of this size. */
const chunk = 1000;

/**
 * The Store on Redis (ioredis), shared by any number of Byline instances. Values are JSON strings with
 * `PX` TTLs; `take` is `GETDEL` (Redis ≥ 6.2) and `add` is `SET NX PX`, so single use holds across
 * instances. Failures are not hidden: every operation rejects with the client's error, so the request
 * fails instead of skipping a check.
 */
export class RedisStore implements Store {
  readonly client: Redis;
  readonly prefix: string;

  get redis(): { client: Redis; prefix: string } {
    return { client: this.client, prefix: this.prefix };
  }
  readonly #ownsClient: boolean;

  constructor(options: RedisStoreOptions) {
    this.prefix = options.prefix;
    this.#ownsClient = !options.client;
    this.client =
      options.client ??
      new Redis(options.url ?? 'redis://127.0.0.1:6379/0', {
        // Fail a command after a couple of reconnection attempts rather than queueing it for long:
        // the request then answers an error quickly, and the client keeps reconnecting in the background.
        maxRetriesPerRequest: 2,
        connectTimeout: 5000,
        ...options.options,
      });
    this.client.defineCommand('bylineAddToSet', { numberOfKeys: 1, lua: addToSetScript });
    this.client.defineCommand('bylineBatch', { lua: batchScript });
    // ioredis emits 'error' for every failed (re)connection; without a listener Node would throw.
    this.client.on('error', options.onError ?? (() => {}));
  }

  #key(key: string): string {
    return this.prefix + key;
  }

  async get<T>(key: string): Promise<T | undefined> {
    const json = await this.client.get(this.#key(key));
    return json === null ? undefined : (JSON.parse(json) as T);
  }

  async set(key: string, value: unknown, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    await this.client.set(this.#key(key), JSON.stringify(value), 'PX', px(ttlMs));
  }

  async add(key: string, value: unknown, ttlMs: number): Promise<boolean> {
    assertTtl(ttlMs);
    return (await this.client.set(this.#key(key), JSON.stringify(value), 'PX', px(ttlMs), 'NX')) === 'OK';
  }

  async take<T>(key: string): Promise<T | undefined> {
    const json = await this.client.getdel(this.#key(key));
    return json === null ? undefined : (JSON.parse(json) as T);
  }

  async addToSet(key: string, members: string[], ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    if (members.length === 0) return;
    const run = (this.client as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)
      .bylineAddToSet as (...args: unknown[]) => Promise<unknown>;
    for (let i = 0; i < members.length; i += chunk)
      await run.call(this.client, this.#key(key), px(ttlMs), ...members.slice(i, i + chunk));
  }

  async members(key: string): Promise<string[]> {
    return this.client.smembers(this.#key(key));
  }

  async removeFromSet(key: string, members: string[]): Promise<void> {
    if (members.length === 0) return;
    await this.client.srem(this.#key(key), ...members);
  }

  async delete(...keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.client.del(...keys.map((key) => this.#key(key)));
  }

  async getMany(keys: string[]): Promise<unknown[]> {
    if (keys.length === 0) return [];
    const values = await this.client.mget(...keys.map((key) => this.#key(key)));
    return values.map((json) => (json === null ? undefined : JSON.parse(json)));
  }

  #batch(
    mode: 'write' | 'claim',
    claim: { key: string; value: unknown; ttlMs: number } | undefined,
    writes: StoreWrite[],
    requires: string[],
  ): Promise<ClaimResult> {
    const keys = [claim?.key ?? '-', ...requires, ...writes.map((write) => write.key)].map((key) =>
      this.#key(key),
    );
    const encoded = writes.map((write) =>
      write.op === 'set'
        ? ['set', JSON.stringify(write.value), px(write.ttlMs)]
        : write.op === 'delete'
          ? ['del']
          : ['sadd', write.members, px(write.ttlMs)],
    );
    const run = (this.client as unknown as Record<string, (...args: unknown[]) => Promise<ClaimResult>>)
      .bylineBatch as (...args: unknown[]) => Promise<ClaimResult>;
    return run.call(
      this.client,
      keys.length,
      ...keys,
      mode,
      claim ? JSON.stringify(claim.value) : '',
      claim ? px(claim.ttlMs) : 0,
      requires.length,
      // cjson turns an empty Lua table into {}, an empty JSON array into an empty table: both loop zero times.
      JSON.stringify(encoded),
    );
  }

  async write(writes: StoreWrite[]): Promise<void> {
    assertWrites(writes);
    if (writes.length === 0) return;
    await this.#batch(
      'write',
      undefined,
      writes.filter((w) => w.op !== 'addToSet' || w.members.length > 0),
      [],
    );
  }

  async claim(
    claim: { key: string; value: unknown; ttlMs: number },
    writes: StoreWrite[],
    requires: string[] = [],
  ): Promise<ClaimResult> {
    assertTtl(claim.ttlMs);
    assertWrites(writes);
    return this.#batch(
      'claim',
      claim,
      writes.filter((w) => w.op !== 'addToSet' || w.members.length > 0),
      requires,
    );
  }

  async ping(): Promise<void> {
    await this.client.ping();
  }

  async close(): Promise<void> {
    if (!this.#ownsClient) return;
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }
}
