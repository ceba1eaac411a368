import type { Redis } from 'ioredis';
/** One write of a batch: applied together, in order, in one atomic step (and one round trip). */
export type StoreWrite =
  | { op: 'set'; key: string; value: unknown; ttlMs: number }
  | { op: 'delete'; key: string }
  | { op: 'addToSet'; key: string; members: string[]; ttlMs: number }
  | { op: 'removeFromSet'; key: string; members: string[] };

/** A value with the version `swap` compares against. */
export interface Versioned<T> {
  value: T;
  /** Opaque; changes whenever the value does. */
  version: string;
}

/**
 * Everything short-lived (pending logins, one-time codes, sessions, refresh families, rate counters)
 * lives behind this interface so that one process (memory) or many (Redis) behave the same.
 * Values are JSON; every entry has a TTL, so nothing is kept forever.
 */
export interface Store {
  /** Set by a store that lives in Redis: its client and key prefix, where rate-limit counters live too. */
  readonly redis?: { client: Redis; prefix: string };
  /** The value under `key`, or undefined when absent or expired. */
  get<T>(key: string): Promise<T | undefined>;
  /** Stores `value` under `key` for `ttlMs` milliseconds, replacing any previous value. */
  set(key: string, value: unknown, ttlMs: number): Promise<void>;
  /** Returns and removes the value in one atomic step: of many concurrent takers, one gets it. */
  take<T>(key: string): Promise<T | undefined>;
  /** The members of the set under `key` (empty when absent). */
  members(key: string): Promise<string[]>;
  /** The value under `key` and its version, for `swap`; undefined when absent or expired. */
  getVersioned<T>(key: string): Promise<Versioned<T> | undefined>;
  /** Applies the writes atomically, in one round trip. */
  write(writes: StoreWrite[]): Promise<void>;
  /**
   * Atomically, in one round trip: when `key` still holds `version` (undefined: when it is absent),
   * replaces its value with `next` (undefined: removes the key) and applies `writes`. False when the key
   * changed since it was read, and then nothing changes: the caller reads again and decides again. This
   * is how a record shared by concurrent requests (a login and its site sessions) is updated safely.
   */
  swap(
    key: string,
    version: string | undefined,
    next: { value: unknown; ttlMs: number } | undefined,
    writes?: StoreWrite[],
  ): Promise<boolean>;
  /** Removes the keys; absent keys are fine. */
  delete(...keys: string[]): Promise<void>;
  /** Resolves when the store is reachable. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A store operation failed for a reason outside the caller's control (Redis unreachable, timed out).
 * Requests answer 503 with Retry-After: never a 500, never a success that skipped a check.
 */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
  constructor(
    readonly operation: string,
    options: { cause: unknown },
  ) {
    super(`the store could not complete ${operation}`, options);
  }
}

export function assertWrites(writes: StoreWrite[]): void {
  for (const write of writes) if (write.op === 'set' || write.op === 'addToSet') assertTtl(write.ttlMs);
}

export function assertTtl(ttlMs: number): void {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0)
    throw new TypeError(`ttlMs must be a positive number, got ${ttlMs}`);
}
