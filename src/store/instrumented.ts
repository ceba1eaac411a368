import type { Counter } from 'prom-client';
import { type Store, StoreUnavailableError } from './store.js';

type Operation = Exclude<keyof Store, 'close' | 'redis'>;

/** Every operation of the Store interface; the type check keeps this list complete. */
const operations = {
  get: true,
  set: true,
  take: true,
  members: true,
  getVersioned: true,
  write: true,
  swap: true,
  delete: true,
  ping: true,
} satisfies Record<Operation, true>;

/**
 * The same store, counting failed operations in `byline_store_errors_total{operation}` and turning them
 * into StoreUnavailableError. A TypeError is a caller's bug (a bad TTL) and passes through as it is.
 */
export function instrumentStore(store: Store, errors: Counter<'operation'>): Store {
  const wrapped: Record<string, unknown> = { close: () => store.close() };
  for (const operation of Object.keys(operations) as Operation[]) {
    const original = (store[operation] as (...args: unknown[]) => Promise<unknown>).bind(store);
    wrapped[operation] = (...args: unknown[]) =>
      original(...args).catch((error: unknown) => {
        if (error instanceof TypeError) throw error;
        errors.inc({ operation });
        throw new StoreUnavailableError(operation, { cause: error });
      });
  }
  return wrapped as unknown as Store;
}
