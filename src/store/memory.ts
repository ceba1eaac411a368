import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import { assertTtl, assertWrites, type ClaimResult, type Store, type StoreWrite } from './store.js';

interface Entry {
  json: string;
  expiresAt: number;
}

interface SetEntry {
  members: Set<string>;
  expiresAt: number;
}

export interface MemoryStoreOptions {
  clock?: Clock;
  /** How often expired entries are swept out, in ms; lookups also evict lazily. */
  sweepInterval?: number;
}

/** The single-process store. Values are kept serialised so callers never share mutable objects. */
export class MemoryStore implements Store {
  readonly #entries = new Map<string, Entry>();
  readonly #sets = new Map<string, SetEntry>();
  readonly #clock: Clock;
  readonly #timer: NodeJS.Timeout;

  constructor(options: MemoryStoreOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#timer = setInterval(() => this.sweep(), options.sweepInterval ?? 60_000);
    this.#timer.unref();
  }

  get size(): number {
    return this.#entries.size + this.#sets.size;
  }

  /** Drops every expired entry. */
  sweep(): void {
    const now = this.#clock.now();
    for (const [key, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(key);
    for (const [key, entry] of this.#sets) if (entry.expiresAt <= now) this.#sets.delete(key);
  }

  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry && entry.expiresAt <= this.#clock.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  async get<T>(key: string): Promise<T | undefined> {
    const entry = this.#live(key);
    return entry ? (JSON.parse(entry.json) as T) : undefined;
  }

  async set(key: string, value: unknown, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    this.#entries.set(key, { json: JSON.stringify(value), expiresAt: this.#clock.now() + ttlMs });
  }

  async add(key: string, value: unknown, ttlMs: number): Promise<boolean> {
    assertTtl(ttlMs);
    if (this.#live(key)) return false;
    this.#entries.set(key, { json: JSON.stringify(value), expiresAt: this.#clock.now() + ttlMs });
    return true;
  }

  async take<T>(key: string): Promise<T | undefined> {
    const entry = this.#live(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    return JSON.parse(entry.json) as T;
  }

  #liveSet(key: string): SetEntry | undefined {
    const entry = this.#sets.get(key);
    if (entry && entry.expiresAt <= this.#clock.now()) {
      this.#sets.delete(key);
      return undefined;
    }
    return entry;
  }

  async addToSet(key: string, members: string[], ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    this.#addToSet(key, members, ttlMs);
  }

  #addToSet(key: string, members: string[], ttlMs: number): void {
    const expiresAt = this.#clock.now() + ttlMs;
    const entry = this.#liveSet(key) ?? { members: new Set<string>(), expiresAt };
    for (const member of members) entry.members.add(member);
    entry.expiresAt = Math.max(entry.expiresAt, expiresAt);
    this.#sets.set(key, entry);
  }

  async members(key: string): Promise<string[]> {
    return [...(this.#liveSet(key)?.members ?? [])];
  }

  async removeFromSet(key: string, members: string[]): Promise<void> {
    const entry = this.#liveSet(key);
    if (!entry) return;
    for (const member of members) entry.members.delete(member);
    if (entry.members.size === 0) this.#sets.delete(key);
  }

  async delete(...keys: string[]): Promise<void> {
    for (const key of keys) this.#delete(key);
  }

  #delete(key: string): void {
    this.#entries.delete(key);
    this.#sets.delete(key);
  }

  async getMany(keys: string[]): Promise<unknown[]> {
    return keys.map((key) => {
      const entry = this.#live(key);
      return entry ? JSON.parse(entry.json) : undefined;
    });
  }

  // Everything below runs synchronously within one call, which is what makes it atomic here.
  #apply(writes: StoreWrite[]): void {
    for (const write of writes) {
      if (write.op === 'set')
        this.#entries.set(write.key, {
          json: JSON.stringify(write.value),
          expiresAt: this.#clock.now() + write.ttlMs,
        });
      else if (write.op === 'delete') this.#delete(write.key);
      else this.#addToSet(write.key, write.members, write.ttlMs);
    }
  }

  async write(writes: StoreWrite[]): Promise<void> {
    assertWrites(writes);
    this.#apply(writes);
  }

  async claim(
    claim: { key: string; value: unknown; ttlMs: number },
    writes: StoreWrite[],
    requires: string[] = [],
  ): Promise<ClaimResult> {
    assertTtl(claim.ttlMs);
    assertWrites(writes);
    if (requires.some((key) => !this.#live(key) && !this.#liveSet(key))) return 'missing';
    if (this.#live(claim.key)) return 'taken';
    this.#apply([{ op: 'set', ...claim }, ...writes]);
    return 'claimed';
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#entries.clear();
    this.#sets.clear();
  }
}
