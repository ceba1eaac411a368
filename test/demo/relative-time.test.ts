import assert from 'node:assert/strict';
import { test } from 'node:test';
import { absoluteTime, relativeTime } from '../../src/demo/relative-time.js';

const now = Date.parse('2026-12-06T12:00:00Z');
const ago = (seconds: number, locale = 'en') => relativeTime(new Date(now - seconds * 1000), now, locale);

test('relativeTime says how long ago, in whole units of the largest unit that fits', () => {
  const cases: [number, string][] = [
    [0, 'now'],
    [12, '12 seconds ago'],
    [59, '59 seconds ago'],
    [60, '1 minute ago'],
    [5 * 60 + 59, '5 minutes ago'],
    [3599, '59 minutes ago'],
    [3 * 3600, '3 hours ago'],
    [1.5 * 86_400, 'yesterday'],
    [8 * 86_400, 'last week'],
    [21 * 86_400, '3 weeks ago'],
    [61 * 86_400, '2 months ago'],
    [400 * 86_400, 'last year'],
  ];
  for (const [seconds, words] of cases) assert.equal(ago(seconds), words, `${seconds} s`);
});

test('the words are the locale’s', () => {
  assert.equal(ago(300, 'fr'), 'il y a 5 minutes');
  assert.equal(ago(300, 'de'), 'vor 5 Minuten');
  assert.equal(ago(86_400, 'es'), 'ayer');
  assert.equal(ago(300, 'ja'), '5 分前');
});

test('absoluteTime gives the full date and time in UTC, in the locale’s words', () => {
  const at = new Date('2026-12-06T03:32:04Z');
  assert.equal(absoluteTime(at, 'en'), 'December 6, 2026 at 3:32:04 AM UTC');
  assert.match(absoluteTime(at, 'fr'), /^6 décembre 2026 (à )?03:32:04 UTC$/);
});
