/**
 * Everything short-lived (pending logins, one-time codes, sessions, refresh families, rate counters)
 * lives behind this interface so that one process (memory) or many (Redis) behave the same.
 * Values are JSON; every entry has a TTL, so nothing is kept forever.
 */
export interface Store {
  /** The value under `key`, or undefined when absent or expired. */
  get<T>(key: string): Promise<T | undefined>;
  /** Stores `value` under `key` for `ttlMs` milliseconds, replacing any previous value. */
  set(key: string, value: unknown, ttlMs: number): Promise<void>;
  /** Stores only when `key` is absent; true when this call stored it (atomic). */
  add(key: string, value: unknown, ttlMs: number): Promise<boolean>;
  /** Returns and removes the value in one atomic step: of many concurrent takers, one gets it. */
  take<T>(key: string): Promise<T | undefined>;
  /**
   * Adds members to the set under `key` (an index, e.g. the sessions of one subject). The set lives at
   * least `ttlMs` from now: its expiry only ever moves later.
   */
  addToSet(key: string, members: string[], ttlMs: number): Promise<void>;
  /** The members of the set under `key` (empty when absent). */
  members(key: string): Promise<string[]>;
  /** Removes members from the set under `key`. */
  removeFromSet(key: string, members: string[]): Promise<void>;
  /** Removes the keys; absent keys are fine. */
  delete(...keys: string[]): Promise<void>;
  /** Resolves when the store is reachable. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function assertTtl(ttlMs: number): void {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0)
    throw new TypeError(`ttlMs must be a positive number, got ${ttlMs}`);
}
