import { createRequire } from 'node:module';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { Config } from './config/schema.js';

const require = createRequire(import.meta.url);

/**
 * Standard output, written once per event-loop turn: the lines logged while a turn runs (under load,
 * the access lines of many requests) go out in one write(2). A blocking write per line cost about
 * 10 µs per request, and pino's asynchronous mode a thread-pool round trip per line (see
 * docs/performance.md). Lines are held for less than a turn; what is queued when the process exits
 * is written then.
 */
export function batchedStdout(out: DestinationStream = pino.destination({ dest: 1, sync: true })): {
  write(line: string): void;
  flush(): void;
} {
  let queued: string[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (queued.length === 0) return;
    const text = queued.join('');
    queued = [];
    out.write(text);
  };
  process.once('exit', flush);
  return {
    write(line) {
      queued.push(line);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}

/**
 * JSON lines for machines; on a terminal (a developer running `npm start`) the same lines pretty-printed.
 * pino-pretty is loaded only then.
 */
export function createLogger(level: Config['log']['level']): Logger {
  if (!process.stdout.isTTY) return pino({ level }, batchedStdout());
  const pretty = require('pino-pretty') as typeof import('pino-pretty');
  return pino({ level }, pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }));
}
