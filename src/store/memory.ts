import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import { assertTtl, assertWrites, type Store, type StoreWrite, type Versioned } from './store.js';

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

  #removeFromSet(key: string, members: string[]): void {
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

  async getVersioned<T>(key: string): Promise<Versioned<T> | undefined> {
    const entry = this.#live(key);
    // The JSON itself is the version: it changes whenever the value does.
    return entry ? { value: JSON.parse(entry.json) as T, version: entry.json } : undefined;
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
      else if (write.op === 'addToSet') this.#addToSet(write.key, write.members, write.ttlMs);
      else this.#removeFromSet(write.key, write.members);
    }
  }

  async write(writes: StoreWrite[]): Promise<void> {
    assertWrites(writes);
    this.#apply(writes);
  }

  async swap(
    key: string,
    version: string | undefined,
    next: { value: unknown; ttlMs: number } | undefined,
    writes: StoreWrite[] = [],
  ): Promise<boolean> {
    if (next) assertTtl(next.ttlMs);
    assertWrites(writes);
    if (this.#live(key)?.json !== version) return false;
    this.#apply([next ? { op: 'set', key, ...next } : { op: 'delete', key }, ...writes]);
    return true;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#entries.clear();
    this.#sets.clear();
  }
}
