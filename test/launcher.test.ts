import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { packageRoot } from '../src/config/load.js';
import { defaultRedisUrl } from '../src/store/default-url.js';

// scripts/test.mjs, the launcher behind `npm test`, run as npm runs it, on fixture test files.
const launcher = join(packageRoot, 'scripts', 'test.mjs');
const fixture = (name: string) => join(packageRoot, 'test', 'fixtures', 'launcher', `${name}.ts`);
const scratch = mkdtempSync(join(tmpdir(), 'byline-launcher-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

interface Run {
  code: number | null;
  /** stdout and stderr as one stream, in the order they were written (as CI reads them). */
  output: string;
}

let runs = 0;

/** Starts the launcher with `args`; `env` is added to this process's environment (installing forbidden). */
function launch(args: string[], env: Record<string, string> = {}) {
  const log = join(scratch, `run-${++runs}.log`);
  const fd = openSync(log, 'w');
  const child = spawn(process.execPath, [launcher, ...args], {
    cwd: packageRoot,
    env: { ...process.env, BYLINE_NO_INSTALL: '1', ...env },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const bound = setTimeout(() => child.kill('SIGKILL'), 90_000);
  const done = new Promise<Run>((resolve) => {
    child.once('exit', (code) => {
      clearTimeout(bound);
      resolve({ code, output: readFileSync(log, 'utf8') });
    });
  });
  return { child, done };
}

/** Whether anything accepts a connection on the URL's port. */
function listening(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port: Number(new URL(url).port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const lastLine = (output: string) => output.trimEnd().split('\n').at(-1) ?? '';
/** What the launcher itself said: one line, before the runner starts. */
const ownLines = (output: string) => output.split('\n').filter((line) => line.startsWith('npm test:'));

describe('npm test (scripts/test.mjs)', { concurrency: true }, () => {
  test('without redis-server on PATH and no installing, it stops at once with the line that installs it', async () => {
    const empty = mkdtempSync(join(scratch, 'path-'));
    const { done } = launch([fixture('redis-env')], { PATH: empty });
    const run = await done;
    assert.equal(run.code, 1);
    assert.match(
      run.output,
      /^npm test: redis-server, redis-sentinel not found; install with: (sudo )?apt-get install -y redis-server redis-sentinel\n$/,
    );
  });

  test('a browser test with BYLINE_CHROMIUM pointing at nothing stops the run at once, saying so', async () => {
    const { done } = launch([join(packageRoot, 'test', 'browser')], {
      BYLINE_CHROMIUM: join(scratch, 'no-chromium'),
    });
    const run = await done;
    assert.equal(run.code, 1);
    assert.match(run.output, /^npm test: BYLINE_CHROMIUM=\S+no-chromium is not an executable file[^\n]*\n$/);
  });

  test('it runs just the given files against a redis-server of its own, stopped after the run', async () => {
    const out = join(scratch, 'redis-env.json');
    const { done } = launch([fixture('redis-env')], { LAUNCHER_FIXTURE_OUT: out });
    const run = await done;
    assert.equal(run.code, 0, run.output);
    const { url } = JSON.parse(readFileSync(out, 'utf8')) as { url: string };
    assert.match(url, /^redis:\/\/127\.0\.0\.1:\d+\/0$/);
    assert.notEqual(new URL(url).port, new URL(defaultRedisUrl).port, 'never the default port');
    assert.notEqual(url, process.env.REDIS_URL, 'not the Redis of the run this test is part of');
    assert.match(run.output, /ℹ tests 1\nℹ suites 0\nℹ pass 1\nℹ fail 0\n/);
    assert.match(lastLine(run.output), /^ℹ duration_ms \d/, "node's closing lines stay last");
    assert.deepEqual(ownLines(run.output), [`npm test: redis-server at ${url} for this run`]);
    assert.equal(await listening(url), false, 'its redis-server is gone');
  });

  test("a failing test file makes it exit 1, with node's closing lines and failure list last", async () => {
    const out = join(scratch, 'redis-env-2.json');
    const { done } = launch([fixture('redis-env'), fixture('fails')], { LAUNCHER_FIXTURE_OUT: out });
    const run = await done;
    assert.equal(run.code, 1, run.output);
    assert.match(run.output, /ℹ pass 1\nℹ fail 1\n/);
    // After the counts node lists the failures: the last thing said is the runner's, not ours.
    assert.match(run.output, /ℹ duration_ms [\d.]+\n\n✖ failing tests:\n[\s\S]*AssertionError[\s\S]*$/);
    const { url } = JSON.parse(readFileSync(out, 'utf8')) as { url: string };
    assert.deepEqual(ownLines(run.output), [`npm test: redis-server at ${url} for this run`]);
    assert.equal(await listening(url), false, 'its redis-server is gone');
  });

  test('SIGTERM ends the run and stops its redis-server', async () => {
    const out = join(scratch, 'redis-env-waiting.json');
    const { child, done } = launch([fixture('redis-env')], {
      LAUNCHER_FIXTURE_OUT: out,
      LAUNCHER_FIXTURE_WAIT: '1',
    });
    for (let i = 0; i < 600 && !existsSync(out); i++) await sleep(50);
    const { url } = JSON.parse(readFileSync(out, 'utf8')) as { url: string };
    assert.equal(await listening(url), true, 'its redis-server runs while the tests do');
    child.kill('SIGTERM');
    const run = await done;
    // The fixture would pass after 60 s: 143 says the run was stopped, not waited for.
    assert.equal(run.code, 128 + 15, run.output);
    assert.equal(await listening(url), false, 'its redis-server is gone');
  });
});
