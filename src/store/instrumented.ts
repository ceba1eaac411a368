import type { Counter } from 'prom-client';
import type { Store } from './store.js';

type Operation = Exclude<keyof Store, 'close'>;
const operations: Operation[] = [
  'get',
  'set',
  'add',
  'take',
  'addToSet',
  'members',
  'removeFromSet',
  'delete',
  'ping',
];

/** The same store, counting failed operations in `byline_store_errors_total{operation}`. */
export function instrumentStore(store: Store, errors: Counter<'operation'>): Store {
  const wrapped = Object.create(store) as Store;
  for (const operation of operations) {
    const original = store[operation].bind(store) as (...args: unknown[]) => Promise<unknown>;
    (wrapped as unknown as Record<string, unknown>)[operation] = (...args: unknown[]) =>
      original(...args).catch((error: unknown) => {
        errors.inc({ operation });
        throw error;
      });
  }
  wrapped.close = () => store.close();
  return wrapped;
}
