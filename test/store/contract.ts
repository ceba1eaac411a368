import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { Store } from '../../src/store/store.js';
import { TestClock } from '../support/clock.js';

/** What a store implementation under test hands the contract. */
interface StoreUnderTest {
  store: Store;
  /** Lets `ms` pass for the store: moves the injected clock, or waits for a store that keeps its own time. */
  advance(ms: number): Promise<void>;
}

export type MakeStore = (clock: TestClock) => Promise<StoreUnderTest>;

/** A time unit for TTLs: long enough for a store that keeps real time, short enough to wait for. */
const T = 200;

const sorted = (values: string[]) => [...values].sort();

/**
 * The behaviour every `Store` promises (src/store/store.ts), as a suite any implementation can run:
 * `storeContract('redis', async (clock) => …)`. Every test gets a fresh store and closes it.
 * Timing is only asserted well inside or well past a TTL, so a store that keeps real time (Redis
 * `PX`) passes with an `advance` that sleeps; exact boundaries belong to each store's own tests.
 */
export function storeContract(name: string, makeStore: MakeStore): void {
  describe(`the ${name} store keeps the Store contract`, () => {
    let store: Store;
    let advance: (ms: number) => Promise<void>;

    beforeEach(async () => {
      ({ store, advance } = await makeStore(new TestClock()));
    });
    afterEach(async () => {
      await store.close();
    });

    describe('values', () => {
      test('get answers undefined for a key that was never set', async () => {
        assert.equal(await store.get('never-set'), undefined);
      });

      test('get returns an equal copy of what set stored', async () => {
        const value = {
          text: 'Ünïcode “quotes” & <tags>',
          number: 42.5,
          flag: false,
          none: null,
          list: [1, 'two', { three: 3 }],
          nested: { deeper: { deepest: true } },
        };
        await store.set('value', value, 10 * T);
        assert.deepEqual(await store.get('value'), value);
        await store.set('scalar', 'just a string', 10 * T);
        assert.equal(await store.get('scalar'), 'just a string');
        await store.set('zero', 0, 10 * T);
        assert.equal(await store.get('zero'), 0);
      });

      test('values are copies: mutating what went in or came out does not change the store', async () => {
        const value = { name: 'Ada', tags: ['a'] };
        await store.set('copy', value, 10 * T);
        value.name = 'changed after set';
        value.tags.push('pushed after set');
        const first = await store.get<{ name: string; tags: string[] }>('copy');
        assert.ok(first);
        first.name = 'changed after get';
        first.tags.push('pushed after get');
        assert.deepEqual(await store.get('copy'), { name: 'Ada', tags: ['a'] });
        assert.notEqual(await store.get('copy'), await store.get('copy'), 'each get returns a new object');
      });

      test('set replaces the previous value and its ttl', async () => {
        await store.set('replaced', 'first', T);
        await store.set('replaced', 'second', 10 * T);
        await advance(3 * T);
        assert.equal(await store.get('replaced'), 'second');
      });

      test('a value is there before its ttl has passed', async () => {
        await store.set('fresh', 'still here', 10 * T);
        await advance(5 * T);
        assert.equal(await store.get('fresh'), 'still here');
      });

      test('an expired value is invisible to get and take', async () => {
        await store.set('expiring', 'soon gone', T);
        await store.set('expiring-too', 'soon gone', T);
        await advance(2 * T);
        assert.equal(await store.get('expiring'), undefined);
        assert.equal(await store.take('expiring-too'), undefined);
      });

      test('delete removes every key it is given, and absent keys are fine', async () => {
        await store.set('a', 1, 10 * T);
        await store.set('b', 2, 10 * T);
        await store.set('c', 3, 10 * T);
        await store.delete('a', 'b', 'never-there');
        assert.equal(await store.get('a'), undefined);
        assert.equal(await store.get('b'), undefined);
        assert.equal(await store.get('c'), 3);
        await store.delete();
        await store.delete('never-there-either');
        assert.equal(await store.get('c'), 3);
      });

      test('delete also removes a set', async () => {
        await store.write([{ op: 'addToSet', key: 'index', members: ['x'], ttlMs: 10 * T }]);
        await store.delete('index');
        assert.deepEqual(await store.members('index'), []);
      });
    });

    describe('take (single use)', () => {
      test('take returns the value once and removes it', async () => {
        await store.set('code', { sub: 'dev:alice' }, 10 * T);
        assert.deepEqual(await store.take('code'), { sub: 'dev:alice' });
        assert.equal(await store.take('code'), undefined);
        assert.equal(await store.get('code'), undefined);
      });

      test('take of an absent key answers undefined', async () => {
        assert.equal(await store.take('never-set'), undefined);
      });

      test('of 50 concurrent takes of one key exactly one gets the value', async () => {
        await store.set('one-time', { code: 'abc' }, 10 * T);
        const results = await Promise.all(Array.from({ length: 50 }, () => store.take('one-time')));
        const winners = results.filter((result) => result !== undefined);
        assert.deepEqual(winners, [{ code: 'abc' }]);
      });
    });

    describe('swap (compare-and-swap)', () => {
      test('getVersioned answers the value and a version, or undefined for an absent key', async () => {
        assert.equal(await store.getVersioned('absent'), undefined);
        await store.set('record', { n: 1 }, 10 * T);
        const read = await store.getVersioned<{ n: number }>('record');
        assert.deepEqual(read?.value, { n: 1 });
        assert.equal(typeof read?.version, 'string');
      });

      test('swap from the version read replaces the value; a stale version changes nothing', async () => {
        await store.set('record', { n: 1 }, 10 * T);
        const read = await store.getVersioned('record');
        assert.equal(await store.swap('record', read?.version, { value: { n: 2 }, ttlMs: 10 * T }), true);
        assert.deepEqual(await store.get('record'), { n: 2 });
        assert.equal(await store.swap('record', read?.version, { value: { n: 3 }, ttlMs: 10 * T }), false);
        assert.deepEqual(await store.get('record'), { n: 2 });
      });

      test('swap from undefined stores only while the key is absent (or expired)', async () => {
        assert.equal(await store.swap('once', undefined, { value: 'first', ttlMs: T }), true);
        assert.equal(await store.swap('once', undefined, { value: 'second', ttlMs: 10 * T }), false);
        assert.equal(await store.get('once'), 'first');
        await advance(2 * T);
        assert.equal(await store.swap('once', undefined, { value: 'third', ttlMs: 10 * T }), true);
        assert.equal(await store.get('once'), 'third');
      });

      test('swap to undefined removes the key', async () => {
        await store.set('record', 'x', 10 * T);
        const read = await store.getVersioned('record');
        assert.equal(await store.swap('record', read?.version, undefined), true);
        assert.equal(await store.get('record'), undefined);
      });

      test('a won swap applies its writes with it; a lost one applies none', async () => {
        await store.set('record', 1, 10 * T);
        await store.write([{ op: 'addToSet', key: 'index', members: ['a', 'b'], ttlMs: 10 * T }]);
        const read = await store.getVersioned('record');
        const writes = [
          { op: 'set' as const, key: 'side', value: 'written', ttlMs: 10 * T },
          { op: 'removeFromSet' as const, key: 'index', members: ['a'] },
        ];
        await store.set('record', 2, 10 * T);
        assert.equal(await store.swap('record', read?.version, { value: 3, ttlMs: 10 * T }, writes), false);
        assert.equal(await store.get('side'), undefined);
        assert.deepEqual(sorted(await store.members('index')), ['a', 'b']);
        const again = await store.getVersioned('record');
        assert.equal(await store.swap('record', again?.version, { value: 3, ttlMs: 10 * T }, writes), true);
        assert.equal(await store.get('side'), 'written');
        assert.deepEqual(await store.members('index'), ['b']);
      });

      test('of 50 concurrent swaps from one version exactly one wins, and its value is kept', async () => {
        await store.set('race', { winner: -1 }, 10 * T);
        const read = await store.getVersioned('race');
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            store.swap('race', read?.version, { value: { winner: i }, ttlMs: 10 * T }),
          ),
        );
        const winners = results.flatMap((won, i) => (won ? [i] : []));
        assert.equal(winners.length, 1);
        assert.deepEqual(await store.get('race'), { winner: winners[0] });
      });

      test('50 concurrent read-and-swap loops each land exactly once', async () => {
        await store.set('counter', 0, 10 * T);
        await Promise.all(
          Array.from({ length: 50 }, async () => {
            for (;;) {
              const read = await store.getVersioned<number>('counter');
              const next = { value: (read?.value ?? 0) + 1, ttlMs: 10 * T };
              if (await store.swap('counter', read?.version, next)) return;
            }
          }),
        );
        assert.equal(await store.get('counter'), 50);
      });
    });

    describe('sets', () => {
      test('members of an absent set is empty', async () => {
        assert.deepEqual(await store.members('no-such-set'), []);
      });

      test('addToSet adds members once each, and members lists them', async () => {
        await store.write([{ op: 'addToSet', key: 'sessions', members: ['s1', 's2'], ttlMs: 10 * T }]);
        await store.write([{ op: 'addToSet', key: 'sessions', members: ['s2', 's3'], ttlMs: 10 * T }]);
        assert.deepEqual(sorted(await store.members('sessions')), ['s1', 's2', 's3']);
      });

      test('removeFromSet removes only the members named; absent members and sets are fine', async () => {
        await store.write([{ op: 'addToSet', key: 'sessions', members: ['s1', 's2', 's3'], ttlMs: 10 * T }]);
        await store.write([{ op: 'removeFromSet', key: 'sessions', members: ['s2', 'never-a-member'] }]);
        assert.deepEqual(sorted(await store.members('sessions')), ['s1', 's3']);
        await store.write([{ op: 'removeFromSet', key: 'no-such-set', members: ['s1'] }]);
        assert.deepEqual(await store.members('no-such-set'), []);
      });

      test('removing the last member leaves an empty set', async () => {
        await store.write([{ op: 'addToSet', key: 'single', members: ['only'], ttlMs: 10 * T }]);
        await store.write([{ op: 'removeFromSet', key: 'single', members: ['only'] }]);
        assert.deepEqual(await store.members('single'), []);
      });

      test('members returns a copy: mutating it does not change the set', async () => {
        await store.write([{ op: 'addToSet', key: 'copied', members: ['a'], ttlMs: 10 * T }]);
        const members = await store.members('copied');
        members.push('b');
        assert.deepEqual(await store.members('copied'), ['a']);
      });

      test('an expired set is empty, and adding to it afterwards starts afresh', async () => {
        await store.write([{ op: 'addToSet', key: 'stale', members: ['old'], ttlMs: T }]);
        await advance(2 * T);
        assert.deepEqual(await store.members('stale'), []);
        await store.write([{ op: 'addToSet', key: 'stale', members: ['new'], ttlMs: 10 * T }]);
        assert.deepEqual(await store.members('stale'), ['new']);
      });

      test("a shorter ttl does not shorten a set's life", async () => {
        await store.write([{ op: 'addToSet', key: 'long', members: ['a'], ttlMs: 10 * T }]);
        await store.write([{ op: 'addToSet', key: 'long', members: ['b'], ttlMs: T }]);
        await advance(5 * T);
        assert.deepEqual(sorted(await store.members('long')), ['a', 'b']);
        await advance(6 * T);
        assert.deepEqual(await store.members('long'), []);
      });

      test("a longer ttl extends a set's life", async () => {
        await store.write([{ op: 'addToSet', key: 'extended', members: ['a'], ttlMs: 2 * T }]);
        await advance(T);
        await store.write([{ op: 'addToSet', key: 'extended', members: ['b'], ttlMs: 10 * T }]);
        await advance(5 * T);
        assert.deepEqual(sorted(await store.members('extended')), ['a', 'b']);
        await advance(6 * T);
        assert.deepEqual(await store.members('extended'), []);
      });
    });

    describe('ttl validation', () => {
      for (const ttl of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
        test(`set, swap and addToSet reject a ttl of ${ttl} with a TypeError and change nothing`, async () => {
          await store.set('kept', 'before', 10 * T);
          await store.write([{ op: 'addToSet', key: 'kept-set', members: ['before'], ttlMs: 10 * T }]);

          await assert.rejects(store.set('kept', 'after', ttl), TypeError);
          await assert.rejects(store.set('new', 'after', ttl), TypeError);
          await assert.rejects(store.swap('new', undefined, { value: 'after', ttlMs: ttl }), TypeError);
          await assert.rejects(
            store.write([{ op: 'addToSet', key: 'kept-set', members: ['after'], ttlMs: ttl }]),
            TypeError,
          );
          await assert.rejects(
            store.write([{ op: 'addToSet', key: 'new-set', members: ['after'], ttlMs: ttl }]),
            TypeError,
          );

          assert.equal(await store.get('kept'), 'before');
          assert.equal(await store.get('new'), undefined);
          assert.deepEqual(await store.members('kept-set'), ['before']);
          assert.deepEqual(await store.members('new-set'), []);
        });
      }
    });

    describe('batches', () => {
      test('write applies sets, deletes and set additions together', async () => {
        await store.set('old', 'x', 10 * T);
        await store.write([{ op: 'addToSet', key: 'index', members: ['first'], ttlMs: T }]);
        await store.write([
          { op: 'set', key: 'new', value: { ok: true }, ttlMs: 10 * T },
          { op: 'delete', key: 'old' },
          { op: 'addToSet', key: 'index', members: ['second', 'third'], ttlMs: 10 * T },
        ]);
        assert.deepEqual(await store.get('new'), { ok: true });
        assert.equal(await store.get('old'), undefined);
        await advance(3 * T);
        assert.deepEqual(
          sorted(await store.members('index')),
          ['first', 'second', 'third'],
          'the set expiry moved later',
        );
      });

      test('a write batch with a bad TTL is refused whole', async () => {
        await assert.rejects(
          store.write([
            { op: 'set', key: 'fine', value: 1, ttlMs: 10 * T },
            { op: 'set', key: 'bad', value: 2, ttlMs: 0 },
          ]),
          TypeError,
        );
        assert.equal(await store.get('fine'), undefined);
      });
    });

    test('ping resolves while the store is reachable', async () => {
      await store.ping();
    });
  });
}
