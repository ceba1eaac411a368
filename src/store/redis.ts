import { Redis, type RedisOptions } from 'ioredis';
import { defaultRedisUrl } from './default-url.js';
import { batchScript, decode, revision, swapped, takeScript, versionOf } from './redis-scripts.js';
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
  /**
   * The deadline of every store call in ms (default 2000): waiting for a connection, the command, and
   * the replicas' acknowledgement together. A frozen or unreachable Redis costs a request this much.
   */
  timeout?: number;
  /**
   * How many replicas must acknowledge a write (`WAIT`) before it counts, so that a failover cannot
   * lose it; `auto` (the default): one once the master has been seen with a replica, else none.
   */
  waitForReplicas?: number | 'auto';
  /** Store calls that may wait for a (re)connection at once; more fail at once (default 1000). */
  offlineQueue?: number;
}

/** PX wants a positive integer of milliseconds. */
const px = (ttlMs: number) => Math.max(1, Math.ceil(ttlMs));

type Run = (...args: unknown[]) => Promise<unknown>;

/**
 * The Store on Redis (ioredis), shared by any number of Byline instances. Values are JSON strings with
 * `PX` TTLs; `take` and `swap` are scripts, so single use and compare-and-swap hold across instances.
 * Failures are not hidden: every operation rejects (the request fails instead of skipping a check), and
 * within its deadline. Writes wait for the replicas (`waitForReplicas`) so that an acknowledged
 * single use survives a Sentinel failover; a write the replicas did not confirm rejects.
 */
export class RedisStore implements Store {
  readonly client: Redis;
  readonly prefix: string;

  get redis(): { client: Redis; prefix: string } {
    return { client: this.client, prefix: this.prefix };
  }
  readonly #ownsClient: boolean;
  readonly #timeout: number;
  readonly #offlineLimit: number;
  readonly #waitSetting: number | 'auto';
  /** Replicas a write waits for; `auto` only ever raises it (see #replicasToWait). */
  #replicas = 0;
  #roleChecked: Promise<void> | undefined;
  #roleCheckedAt = 0;
  #roleKnown = false;
  #askedSentinelsAt = 0;
  /** Counts closed connections: a WAIT answered on a later connection than its write proves nothing. */
  #connection = 0;
  /** Store calls waiting for a connection, and the promise they wait on. */
  #waiting = 0;
  #ready: Promise<void> | undefined;
  #settleWaiters: ((error?: Error) => void) | undefined;
  /** The last connection attempt failed: calls fail at once instead of waiting for the deadline. */
  #down = false;

  constructor(options: RedisStoreOptions) {
    this.prefix = options.prefix;
    this.#ownsClient = !options.client;
    this.#timeout = options.timeout ?? 2000;
    this.#offlineLimit = options.offlineQueue ?? 1000;
    this.#waitSetting = options.waitForReplicas ?? 'auto';
    if (typeof this.#waitSetting === 'number') this.#replicas = this.#waitSetting;
    this.client =
      options.client ??
      new Redis(options.url ?? defaultRedisUrl, {
        // Fail a command after a couple of reconnection attempts rather than queueing it for long:
        // the request then answers an error quickly, and the client keeps reconnecting in the background.
        maxRetriesPerRequest: 2,
        connectTimeout: 5000,
        // Every command of this client (the rate limiters' too) gives up at the deadline.
        commandTimeout: this.#timeout,
        // A demoted master answers writes with READONLY: find the current master.
        reconnectOnError: (error) => error.message.startsWith('READONLY'),
        ...options.options,
      });
    this.client.defineCommand('bylineBatch', { lua: batchScript });
    this.client.defineCommand('bylineTake', { numberOfKeys: 1, lua: takeScript });
    const onError = options.onError ?? (() => {});
    // ioredis emits 'error' for every failed (re)connection; without a listener Node would throw.
    this.client.on('error', (error: Error) => {
      const status = this.client.status;
      if (status === 'connecting' || status === 'reconnecting') {
        this.#down = true;
        this.#settleWaiters?.(new Error('Redis is unreachable', { cause: error }));
      }
      onError(error);
    });
    this.client.on('close', () => {
      this.#connection++;
    });
    this.client.on('end', () => this.#settleWaiters?.(new Error('the Redis connection is closed')));
    this.client.on('ready', () => {
      this.#down = false;
      this.#settleWaiters?.();
      // A new connection may be to another master: look at its replicas again.
      this.#roleCheckedAt = 0;
    });
  }

  #key(key: string): string {
    return this.prefix + key;
  }

  /**
   * Runs one store call within the deadline. The common case, connected and one command, is bounded
   * by ioredis's own per-command timer (`commandTimeout`, set to the deadline) and costs nothing more.
   * Otherwise a timer of this call's own bounds it all; while the client is not connected the call
   * waits here (never in ioredis's unbounded offline queue), so a call that gives up is never sent later.
   */
  #run<T>(work: () => Promise<T>, write = false): Promise<T> {
    if (this.client.status === 'ready' && this.#commandDeadline && !(write && this.#mayWait())) return work();
    return this.#guarded(work);
  }

  async #guarded<T>(work: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Redis did not answer within ${this.#timeout} ms`)),
        this.#timeout,
      );
    });
    try {
      if (this.client.status !== 'ready') await this.#connected(deadline);
      return await Promise.race([work(), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Whether ioredis gives up on every command by the deadline by itself. */
  get #commandDeadline(): boolean {
    const limit = this.client.options.commandTimeout;
    return typeof limit === 'number' && limit <= this.#timeout;
  }

  /** Whether a write may take more than one command (a WAIT, or the first look at the replicas). */
  #mayWait(): boolean {
    return this.#replicas > 0 || (this.#waitSetting === 'auto' && !this.#roleKnown);
  }

  async #connected(deadline: Promise<never>): Promise<void> {
    const status = this.client.status;
    if (status === 'end' || status === 'close') throw new Error('the Redis connection is closed');
    if (this.#down) throw new Error('Redis is unreachable');
    if (this.#waiting >= this.#offlineLimit)
      throw new Error(`${this.#waiting} store calls are already waiting for Redis`);
    if (status === 'wait') this.client.connect().catch(() => {});
    // Settled by the next connection, or by a failed attempt: Redis is down, fail now.
    this.#ready ??= new Promise<void>((resolve, reject) => {
      this.#settleWaiters = (error) => {
        this.#settleWaiters = undefined;
        this.#ready = undefined;
        if (error) reject(error);
        else resolve();
      };
    });
    this.#waiting++;
    try {
      await Promise.race([this.#ready, deadline]);
    } finally {
      this.#waiting--;
    }
  }

  /** How many replicas the next write waits for; `auto` looks at the master's replicas (ROLE). */
  #replicasToWait(): number | Promise<number> {
    if (this.#waitSetting !== 'auto' || this.#replicas > 0) return this.#replicas;
    // Until a replica has been seen: looked at again on every new connection, and every 10 s (a
    // replica that joins later), without holding up writes. Once seen, never lowered: after a failover
    // the old master has no replica left, and that is exactly when its writes must not count.
    if (Date.now() - this.#roleCheckedAt > 10_000) this.#checkRole();
    return this.#roleKnown ? this.#replicas : (this.#roleChecked as Promise<void>).then(() => this.#replicas);
  }

  #checkRole(): void {
    this.#roleCheckedAt = Date.now();
    this.#roleChecked = this.client.role().then(
      (role) => {
        if (role[0] === 'master' && Array.isArray(role[2]) && role[2].length > 0) this.#replicas = 1;
        this.#roleKnown = true;
      },
      (error: unknown) => {
        this.#roleCheckedAt = 0;
        // Only the first check is waited for; later ones fail quietly and are tried again.
        if (!this.#roleKnown) throw error;
      },
    );
  }

  /**
   * Sends a write, then `WAIT`s for the replicas; rejects when they did not confirm it. WAIT is sent
   * only once the write has answered (ioredis sends a script again as EVAL after NOSCRIPT, which would
   * put the write behind a WAIT sent with it). WAIT counts the writes of its own connection: if the
   * connection dropped between the write's answer and WAIT's, the answer proves nothing.
   */
  async #write<T>(send: () => Promise<T>): Promise<T> {
    const wanted = this.#replicasToWait();
    const replicas = typeof wanted === 'number' ? wanted : await wanted;
    if (replicas === 0) return send();
    const result = await send();
    const connection = this.#connection;
    const count = await this.client.wait(replicas, this.#waitMs);
    if (count >= replicas && connection === this.#connection) return result;
    this.#unconfirmed();
    throw new Error(`${count} of ${replicas} replicas confirmed the write`);
  }

  /**
   * A master whose replicas stopped confirming may have been replaced (a Sentinel failover keeps the
   * old master writable until it demotes it, ~10 s later): with Sentinel, ask again now, at most once
   * a second.
   */
  #unconfirmed(): void {
    if (!this.client.options.sentinels?.length || Date.now() - this.#askedSentinelsAt < 1000) return;
    this.#askedSentinelsAt = Date.now();
    this.client.disconnect(true);
  }

  /** `WAIT`'s own timeout: within the deadline, leaving room for the write before it. */
  get #waitMs(): number {
    return Math.max(1, Math.floor(this.#timeout / 2));
  }

  /** How long a removal mark lets a twice-sent command recognise its own write: past the caller's deadline. */
  get #markMs(): number {
    return Math.max(1000, 2 * this.#timeout);
  }

  async get<T>(key: string): Promise<T | undefined> {
    return this.#run(async () => decode<T>(await this.client.get(this.#key(key))));
  }

  async set(key: string, value: unknown, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    return this.#run(
      () =>
        this.#write(async () => {
          await this.client.set(this.#key(key), JSON.stringify(value), 'PX', px(ttlMs));
        }),
      true,
    );
  }

  async take<T>(key: string): Promise<T | undefined> {
    const run = (this.client as unknown as Record<string, Run>).bylineTake as Run;
    const taker = revision();
    return this.#run(
      () =>
        this.#write(async () => {
          const json = (await run.call(this.client, this.#key(key), taker, this.#markMs)) as string | null;
          return json === null ? undefined : (JSON.parse(json) as T);
        }),
      true,
    );
  }

  async members(key: string): Promise<string[]> {
    return this.#run(() => this.client.hkeys(this.#key(key)));
  }

  async delete(...keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.#run(() => this.#write(() => this.client.del(...keys.map((key) => this.#key(key)))), true);
  }

  async getVersioned<T>(key: string): Promise<Versioned<T> | undefined> {
    return this.#run(async () => {
      const stored = await this.client.get(this.#key(key));
      const value = decode<T>(stored);
      return value === undefined || stored === null ? undefined : { value, version: versionOf(stored) };
    });
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
    const rev = swap ? revision() : '';
    const run = (this.client as unknown as Record<string, Run>).bylineBatch as Run;
    return this.#run(
      () =>
        this.#write(
          () =>
            run.call(
              this.client,
              keys.length,
              ...keys,
              swap ? 'swap' : 'write',
              swap?.version ?? '',
              swap?.next ? swapped(rev, swap.next.value) : '',
              swap?.next ? px(swap.next.ttlMs) : 0,
              // cjson turns an empty Lua table into {}, an empty JSON array into an empty table: both loop zero times.
              JSON.stringify(encoded),
              rev,
              this.#markMs,
            ) as Promise<number>,
        ),
      true,
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
    await this.#run(() => this.client.ping());
  }

  /** Closes the client it made: `QUIT` within the deadline, else drops the connection (a frozen Redis). */
  async close(): Promise<void> {
    if (!this.#ownsClient) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.client.quit(),
        new Promise((resolve) => {
          timer = setTimeout(resolve, this.#timeout).unref();
        }),
      ]);
    } catch {
      // Closing anyway.
    } finally {
      clearTimeout(timer);
      this.client.disconnect();
    }
  }
}
