import type { Store } from '../../src/store/store.js';

/** Every store key with what it holds (a value's JSON, or a set's sorted members). */
export type StoreSnapshot = Map<string, string>;

export interface ObservedStore extends Store {
  /** Every key any call has named so far (values, sets, batch writes, claims). */
  readonly keysSeen: ReadonlySet<string>;
  /** The current contents of every key seen, read through the store itself. */
  snapshot(): Promise<StoreSnapshot>;
}

/** Collects the strings a store call names as keys: plain arguments, arrays of them and `{ key }` objects. */
function collectKeys(value: unknown, into: Set<string>, depth = 0): void {
  if (depth > 3) return;
  if (typeof value === 'string') into.add(value);
  else if (Array.isArray(value)) for (const item of value) collectKeys(item, into, depth + 1);
  else if (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { key?: unknown }).key === 'string'
  )
    into.add((value as { key: string }).key);
}

const ignored = new Set(['ping', 'close']);

/**
 * A test-only view of any Store (MemoryStore or RedisStore) that remembers every key it was asked
 * about, so a test can take a snapshot before an attack and compare after it: "nothing changed in
 * the Store". It needs no knowledge of the store's internals, so it survives changes to the Store API.
 */
export function observeStore(inner: Store): ObservedStore {
  const seen = new Set<string>();
  async function snapshot(): Promise<StoreSnapshot> {
    const out: StoreSnapshot = new Map();
    for (const key of [...seen].sort()) {
      // A key holds a value or a set; asking Redis for the other kind is an error, which means "not that".
      const value = await inner.get(key).catch(() => undefined);
      if (value !== undefined) out.set(key, JSON.stringify(value));
      const members = await inner.members(key).catch(() => []);
      if (members.length > 0) out.set(`${key} (set)`, JSON.stringify(members.sort()));
    }
    return out;
  }
  return new Proxy(inner, {
    get(target, prop) {
      if (prop === 'keysSeen') return seen;
      if (prop === 'snapshot') return snapshot;
      // Read with the target as receiver: class getters may touch #private fields.
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (!ignored.has(String(prop))) for (const arg of args) collectKeys(arg, seen);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as ObservedStore;
}

/** The keys whose contents differ between two snapshots (added, removed or changed). */
export function changedKeys(before: StoreSnapshot, after: StoreSnapshot): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((key) => before.get(key) !== after.get(key)).sort();
}
