import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, parseDuration } from '../../src/config/duration.js';

test('every unit converts to milliseconds', () => {
  const cases: [string, number][] = [
    ['500ms', 500],
    ['60s', 60_000],
    ['10m', 600_000],
    ['2h', 7_200_000],
    ['30d', 2_592_000_000],
    ['0s', 0],
  ];
  for (const [input, ms] of cases) assert.equal(parseDuration(input), ms, input);
});

test('a bare whole number is seconds, whether a number or a string from an environment variable', () => {
  assert.equal(parseDuration(60), 60_000);
  assert.equal(parseDuration('60'), 60_000);
  assert.equal(parseDuration(0), 0);
});

test('anything else is a TypeError that quotes the input and shows the accepted forms', () => {
  const rejected: (string | number)[] = [
    '',
    '1.5h',
    '-1s',
    '10 m',
    ' 10m',
    '10M',
    '10w',
    'm',
    '1e3',
    'ten minutes',
    -1,
    1.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
  ];
  for (const input of rejected) {
    assert.throws(
      () => parseDuration(input),
      (error: unknown) =>
        error instanceof TypeError && /invalid duration .*like 500ms, 60s, 10m/.test(error.message),
      String(input),
    );
  }
  assert.throws(() => parseDuration('1.5h'), { message: /"1\.5h"/ });
});

test('a duration too long to count in milliseconds is rejected', () => {
  assert.throws(() => parseDuration('999999999999999d'), { name: 'TypeError', message: /too long/ });
  assert.throws(() => parseDuration(Number.MAX_SAFE_INTEGER), { name: 'TypeError', message: /too long/ });
});

test('a duration is formatted in the largest unit that divides it exactly', () => {
  const cases: [number, string][] = [
    [0, '0s'],
    [1500, '1500ms'],
    [1000, '1s'],
    [600_000, '10m'],
    [5_400_000, '90m'],
    [2_592_000_000, '30d'],
  ];
  for (const [ms, text] of cases) {
    assert.equal(formatDuration(ms), text);
    assert.equal(parseDuration(text), ms, 'and parses back');
  }
});
