import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomId } from '../../src/crypto/random-id.js';

test('randomId gives URL-safe ids of the asked entropy, never the same twice, across pool refills', () => {
  const seen = new Set<string>();
  // 32-byte ids from a 4 KiB pool: 128 per refill; 1,000 cross several refills.
  for (let i = 0; i < 1000; i++) {
    const id = randomId();
    assert.match(id, /^[A-Za-z0-9_-]{43}$/);
    assert.ok(!seen.has(id));
    seen.add(id);
  }
  assert.match(randomId(18), /^[A-Za-z0-9_-]{24}$/);
  assert.match(randomId(256), /^[A-Za-z0-9_-]{342}$/);
});

test('randomId ids are not mostly zero: every byte value turns up', () => {
  const bytes = new Set<number>();
  for (let i = 0; i < 200; i++) for (const byte of Buffer.from(randomId(), 'base64url')) bytes.add(byte);
  assert.equal(bytes.size, 256);
});

test('randomId refuses a size it cannot give', () => {
  for (const size of [0, -1, 257, 1.5, Number.NaN]) assert.throws(() => randomId(size), TypeError);
});
