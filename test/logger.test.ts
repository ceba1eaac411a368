import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { batchedStdout } from '../src/logger.js';

function sink() {
  const writes: string[] = [];
  return { writes, stream: { write: (text: string) => writes.push(text) } };
}

test('the lines logged in one event-loop turn go out in one write, in order', async () => {
  const { writes, stream } = sink();
  const logger = pino({ level: 'info' }, batchedStdout(stream));
  logger.info('first');
  logger.info('second');
  logger.info('third');
  assert.equal(writes.length, 0, 'nothing is written within the turn');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(writes.length, 1);
  const messages = (writes[0] as string)
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { msg: string }).msg);
  assert.deepEqual(messages, ['first', 'second', 'third']);
});

test('a later turn’s lines are a write of their own; flush writes what is queued at once', async () => {
  const { writes, stream } = sink();
  const destination = batchedStdout(stream);
  const logger = pino({ level: 'info' }, destination);
  logger.info('one');
  await new Promise((resolve) => setImmediate(resolve));
  logger.warn('two');
  destination.flush();
  assert.equal(writes.length, 2);
  assert.match(writes[1] as string, /"msg":"two"/);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(writes.length, 2, 'the scheduled write finds nothing left to write');
});
