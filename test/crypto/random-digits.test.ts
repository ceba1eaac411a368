import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomDigits } from '../../src/crypto/random-digits.js';

test('six random digits, leading zeros kept, every digit in every place about equally often', () => {
  const draws = 20_000;
  // counts[place * 10 + digit]
  const counts = new Array<number>(60).fill(0);
  for (let i = 0; i < draws; i++) {
    const code = randomDigits(6);
    assert.match(code, /^\d{6}$/);
    [...code].forEach((digit, place) => {
      counts[place * 10 + Number(digit)] = (counts[place * 10 + Number(digit)] ?? 0) + 1;
    });
  }
  // Each count is Binomial(20000, 0.1): mean 2000, sd 42, so 1800..2200 fails by chance almost never.
  // It catches a draw that drops leading zeros or favours a range grossly; the uniformity itself is
  // randomInt's rejection sampling.
  for (const count of counts) assert.ok(count > 1800 && count < 2200, String(count));
});

test('refuses a length it cannot draw uniformly', () => {
  assert.throws(() => randomDigits(0), TypeError);
  assert.throws(() => randomDigits(13), TypeError);
  assert.equal(randomDigits(1).length, 1);
});
