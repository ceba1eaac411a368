import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MemoryStore } from '../../src/store/memory.js';
import { TestClock } from '../support/clock.js';
import { storeContract } from './contract.js';

storeContract('memory', async (clock) => ({
  store: new MemoryStore({ clock }),
  async advance(ms) {
    clock.advance(ms);
  },
}));

describe('the memory store on its own', () => {
  function setup() {
    const clock = new TestClock();
    return { clock, store: new MemoryStore({ clock }) };
  }

  test('a value lives until exactly its ttl has passed', async () => {
    const { clock, store } = setup();
    await store.set('edge', 'v', 1000);
    clock.advance(999);
    assert.equal(await store.get('edge'), 'v');
    clock.advance(1);
    assert.equal(await store.get('edge'), undefined);
    await store.close();
  });

  test('a set lives until exactly its ttl has passed', async () => {
    const { clock, store } = setup();
    await store.write([{ op: 'addToSet', key: 'edge', members: ['m'], ttlMs: 1000 }]);
    clock.advance(999);
    assert.deepEqual(await store.members('edge'), ['m']);
    clock.advance(1);
    assert.deepEqual(await store.members('edge'), []);
    await store.close();
  });

  test('expired entries count towards size until sweep removes them', async () => {
    const { clock, store } = setup();
    await store.set('short', 1, 100);
    await store.set('long', 2, 10_000);
    await store.write([{ op: 'addToSet', key: 'short-set', members: ['a'], ttlMs: 100 }]);
    await store.write([{ op: 'addToSet', key: 'long-set', members: ['b'], ttlMs: 10_000 }]);
    assert.equal(store.size, 4);
    clock.advance(100);
    assert.equal(store.size, 4, 'nothing is dropped before a sweep or a lookup');
    store.sweep();
    assert.equal(store.size, 2);
    assert.equal(await store.get('long'), 2);
    assert.deepEqual(await store.members('long-set'), ['b']);
    await store.close();
  });

  test('looking up an expired entry evicts it', async () => {
    const { clock, store } = setup();
    await store.set('value', 1, 100);
    await store.write([{ op: 'addToSet', key: 'set', members: ['a'], ttlMs: 100 }]);
    clock.advance(100);
    assert.equal(await store.get('value'), undefined);
    assert.deepEqual(await store.members('set'), []);
    assert.equal(store.size, 0);
    await store.close();
  });

  test('the store sweeps on its own every sweepInterval', async (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    const clock = new TestClock();
    const store = new MemoryStore({ clock, sweepInterval: 1000 });
    await store.set('short', 1, 100);
    await store.set('long', 2, 10_000);
    clock.advance(500);
    t.mock.timers.tick(999);
    assert.equal(store.size, 2);
    t.mock.timers.tick(1);
    assert.equal(store.size, 1);
    await store.close();
  });

  test('a rejected set does not add to size', async () => {
    const { store } = setup();
    await assert.rejects(store.set('bad', 'v', 0), TypeError);
    await assert.rejects(
      store.write([{ op: 'addToSet', key: 'bad-set', members: ['v'], ttlMs: -5 }]),
      TypeError,
    );
    assert.equal(store.size, 0);
    await store.close();
  });

  test('removing the last member drops the set entirely', async () => {
    const { store } = setup();
    await store.write([{ op: 'addToSet', key: 'set', members: ['a'], ttlMs: 1000 }]);
    await store.write([{ op: 'removeFromSet', key: 'set', members: ['a'] }]);
    assert.equal(store.size, 0);
    await store.close();
  });

  test('close() clears every value and set', async () => {
    const { store } = setup();
    await store.set('value', 1, 1000);
    await store.write([{ op: 'addToSet', key: 'set', members: ['a'], ttlMs: 1000 }]);
    await store.close();
    assert.equal(store.size, 0);
    assert.equal(await store.get('value'), undefined);
    assert.deepEqual(await store.members('set'), []);
  });

  test('without an injected clock the store uses the system clock', async () => {
    const store = new MemoryStore();
    await store.set('value', 'v', 60_000);
    assert.equal(await store.get('value'), 'v');
    await store.close();
  });
});
