import { Redis, type RedisOptions } from 'ioredis';
import { assertTtl, assertWrites, type Store, type StoreWrite, type Versioned } from './store.js';

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
 * `write` and `swap` in one script. KEYS: the swapped key (or a placeholder), then one key per write.
 * ARGV: mode, expected version ('' = absent), new value ('' = delete), its PX, then the writes as JSON
 * `[op, value, px]` (op `set`, `del`, or `add`/`rem` with the members as value).
 *
 * Sets are hashes whose fields are the members: Redis keeps a small hash as a listpack (~100 bytes for
 * one member) where a small set is already a hashtable (~200). After an `add` the key's expiry moves
 * later, never earlier: `PEXPIRE … GT` would treat a fresh key's "no expiry" as infinite and refuse, so
 * the comparison is done here, atomically.
 */
const batchScript = `
if ARGV[1] == 'swap' then
  if (redis.call('GET', KEYS[1]) or '') ~= ARGV[2] then return 0 end
  if ARGV[3] == '' then redis.call('DEL', KEYS[1])
  else redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4]) end
end
local writes = cjson.decode(ARGV[5])
for i, w in ipairs(writes) do
  local key = KEYS[1 + i]
  if w[1] == 'set' then
    redis.call('SET', key, w[2], 'PX', w[3])
  elseif w[1] == 'del' then
    redis.call('DEL', key)
  elseif w[1] == 'rem' then
    for j = 1, #w[2] do redis.call('HDEL', key, w[2][j]) end
  else
    for j = 1, #w[2] do redis.call('HSET', key, w[2][j], '') end
    if redis.call('PTTL', key) < tonumber(w[3]) then redis.call('PEXPIRE', key, w[3]) end
  end
end
return 1
`;

/**
 * The Store on Redis (ioredis), shared by any number of Byline instances. Values are JSON strings with
 * `PX` TTLs; `take` is `GETDEL` (Redis ≥ 6.2) and `swap` a script comparing the stored JSON, so single
 * use and compare-and-swap hold across instances. Failures are not hidden: every operation rejects with
 * the client's error, so the request fails instead of skipping a check.
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

  async take<T>(key: string): Promise<T | undefined> {
    const json = await this.client.getdel(this.#key(key));
    return json === null ? undefined : (JSON.parse(json) as T);
  }

  async addToSet(key: string, members: string[], ttlMs: number): Promise<void> {
    await this.write([{ op: 'addToSet', key, members, ttlMs }]);
  }

  async members(key: string): Promise<string[]> {
    return this.client.hkeys(this.#key(key));
  }

  async removeFromSet(key: string, members: string[]): Promise<void> {
    if (members.length === 0) return;
    await this.client.hdel(this.#key(key), ...members);
  }

  async delete(...keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.client.del(...keys.map((key) => this.#key(key)));
  }

  async getVersioned<T>(key: string): Promise<Versioned<T> | undefined> {
    const json = await this.client.get(this.#key(key));
    // The JSON itself is the version: the swap script compares it with what the key holds then.
    return json === null ? undefined : { value: JSON.parse(json) as T, version: json };
  }

  #batch(
    swap:
      | { key: string; version: string | undefined; next: { value: unknown; ttlMs: number } | undefined }
      | undefined,
    writes: StoreWrite[],
  ): Promise<number> {
    const keys = [swap?.key ?? '-', ...writes.map((write) => write.key)].map((key) => this.#key(key));
    const encoded = writes.map((write) =>
      write.op === 'set'
        ? ['set', JSON.stringify(write.value), px(write.ttlMs)]
        : write.op === 'delete'
          ? ['del']
          : write.op === 'addToSet'
            ? ['add', write.members, px(write.ttlMs)]
            : ['rem', write.members],
    );
    const run = (this.client as unknown as Record<string, (...args: unknown[]) => Promise<number>>)
      .bylineBatch as (...args: unknown[]) => Promise<number>;
    return run.call(
      this.client,
      keys.length,
      ...keys,
      swap ? 'swap' : 'write',
      swap?.version ?? '',
      swap?.next ? JSON.stringify(swap.next.value) : '',
      swap?.next ? px(swap.next.ttlMs) : 0,
      // cjson turns an empty Lua table into {}, an empty JSON array into an empty table: both loop zero times.
      JSON.stringify(encoded),
    );
  }

  async write(writes: StoreWrite[]): Promise<void> {
    assertWrites(writes);
    const effective = writes.filter((w) => !('members' in w) || w.members.length > 0);
    if (effective.length > 0) await this.#batch(undefined, effective);
  }

  async swap(
    key: string,
    version: string | undefined,
    next: { value: unknown; ttlMs: number } | undefined,
    writes: StoreWrite[] = [],
  ): Promise<boolean> {
    if (next) assertTtl(next.ttlMs);
    assertWrites(writes);
    const effective = writes.filter((w) => !('members' in w) || w.members.length > 0);
    return (await this.#batch({ key, version, next }, effective)) === 1;
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
