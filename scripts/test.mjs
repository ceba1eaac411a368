// `npm test`: checks for what the suite needs (installing it with apt-get when root), starts a private
// redis-server for the run, runs node's test runner on the test files, and always stops that server.
//
//   npm test                               every test/**/*.test.ts
//   npm test -- test/oauth/token.test.ts   just those files (or every test file under a folder)
//   npm test -- --test-name-pattern=PKCE   other arguments go to node before the files
//
// Environment: BYLINE_CHROMIUM (default /usr/bin/chromium), BYLINE_NO_INSTALL=1 (never run apt-get),
// BYLINE_TEST_CONCURRENCY (files run at once). Plain Node ESM: it runs before any TypeScript loader.
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism, constants as os } from 'node:os';
import { delimiter, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRedis } from './redis-server.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/** One line on stderr, then exit: never a hang, never a skip. */
function fail(message) {
  process.stderr.write(`npm test: ${message}\n`);
  process.exit(1);
}

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

const onPath = (name) =>
  (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && executable(join(dir, name)));

function testFilesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return testFilesUnder(path);
      return entry.name.endsWith('.test.ts') ? [path] : [];
    })
    .sort();
}

// Paths that exist are test files (a folder stands for the test files under it); the rest is for node.
const files = [];
const nodeArgs = [];
for (const arg of process.argv.slice(2)) {
  const path = resolve(arg);
  if (arg.startsWith('-') || !existsSync(path)) nodeArgs.push(arg);
  else files.push(...(statSync(path).isDirectory() ? testFilesUnder(path) : [path]));
}
const typo = nodeArgs.find((arg) => !arg.startsWith('-') && arg.endsWith('.ts'));
if (typo) fail(`no such test file: ${typo}`);
if (files.length === 0) files.push(...testFilesUnder(join(root, 'test')));

/**
 * Files that spend long stretches waiting (a Redis restart and its reconnection, TTLs that must pass in
 * real time, Chromium, CLI processes) start first, so they overlap the rest instead of ending the run
 * alone. Only an order: a name that no longer exists changes nothing.
 */
const startFirst = [
  'test/store/redis-outage.test.ts',
  'test/cli.test.ts',
  'test/browser/comment-form.test.ts',
  'test/store/redis.test.ts',
];
const rank = (file) => {
  const index = startFirst.indexOf(file);
  return index < 0 ? startFirst.length : index;
};
const inRoot = files
  .map((file) => relative(root, file).split(sep).join('/'))
  .map((file, index) => ({ file, index }))
  .sort((a, b) => rank(a.file) - rank(b.file) || a.index - b.index)
  .map(({ file }) => file);
if (!existsSync(join(root, 'node_modules', 'tsx')))
  fail('the dev dependencies are missing: run `npm install`');

// What the tests need, and the Debian package that brings it.
const chromium = process.env.BYLINE_CHROMIUM || '/usr/bin/chromium';
const browserTests = inRoot.some((file) => file.split('/').includes('browser'));
const needs = [
  { have: () => onPath('redis-server'), package: 'redis-server' },
  // The Sentinel tests start their own redis-sentinel.
  { have: () => onPath('redis-sentinel'), package: 'redis-sentinel' },
];
if (browserTests) {
  if (process.env.BYLINE_CHROMIUM && !executable(chromium))
    fail(`BYLINE_CHROMIUM=${chromium} is not an executable file (unset it to use /usr/bin/chromium)`);
  needs.push({ have: () => executable(chromium), package: 'chromium' });
}

let missing = needs.filter((need) => !need.have()).map((need) => need.package);
if (missing.length > 0) {
  const isRoot = process.getuid?.() === 0;
  const install = `${isRoot ? '' : 'sudo '}apt-get install -y ${missing.join(' ')}`;
  if (isRoot && !process.env.BYLINE_NO_INSTALL && onPath('apt-get')) {
    process.stderr.write(`npm test: installing ${missing.join(', ')} (${install})\n`);
    const apt = (...args) =>
      spawnSync('apt-get', args, {
        stdio: ['ignore', 'ignore', 'inherit'],
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      }).status === 0;
    if (!apt('update', '-qq') || !apt('install', '-y', '-qq', ...missing))
      fail(`could not install ${missing.join(', ')}: ${install}`);
    missing = needs.filter((need) => !need.have()).map((need) => need.package);
  }
  if (missing.length > 0) fail(`${missing.join(', ')} not found; install with: ${install}`);
}

let redis;
try {
  redis = await startRedis();
} catch (error) {
  fail(error.message);
}
process.stderr.write(
  `npm test: redis-server at ${redis.url} for this run${browserTests ? `, Chromium at ${chromium}` : ''}\n`,
);

// Most test files wait on sockets, timers and child processes more than they compute: two files per
// core keep the cores busy. Three per core was barely faster here and, on a machine already loaded,
// starved the tests that time an upstream or a cooldown (1 s) into failing.
const concurrency = process.env.BYLINE_TEST_CONCURRENCY || String(Math.max(2, 2 * availableParallelism()));
const reporter = nodeArgs.some((arg) => arg.startsWith('--test-reporter')) ? [] : ['--test-reporter=spec'];
// The timeout is each test's and also each file's: the longest browser files take 50–65 s here under
// the full suite (25–30 s alone), and on a loaded CI machine one went past 120 s. A hang still fails.
const timeout = 180_000;
const runner = spawn(
  process.execPath,
  [
    '--conditions=source',
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    `--test-timeout=${timeout}`,
    ...reporter,
    ...nodeArgs,
    ...inRoot,
  ],
  {
    cwd: root,
    stdio: 'inherit',
    // NODE_TEST_CONTEXT would make a runner started from inside a test file skip every file.
    env: { ...process.env, NODE_TEST_CONTEXT: undefined, REDIS_URL: redis.url, BYLINE_CHROMIUM: chromium },
  },
);

let received;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    received ??= signal;
    runner.kill(signal);
    // A runner that does not stop within 10 s is killed; the server is stopped either way.
    setTimeout(() => runner.kill('SIGKILL'), 10_000).unref();
  });
}

const [code, signal] = await new Promise((resolve) => {
  runner.once('exit', (code, signal) => resolve([code, signal]));
  runner.once('error', (error) => {
    process.stderr.write(`npm test: ${error.message}\n`);
    resolve([1, null]);
  });
});
await redis.stop();

const killedBy = received ?? signal;
process.exitCode = killedBy ? 128 + (os.signals[killedBy] ?? 1) : (code ?? 1);
