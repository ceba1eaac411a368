import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { main } from '../src/cli.js';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const cliRunner = fileURLToPath(new URL('./support/cli-runner.ts', import.meta.url));
const binScript = join(projectRoot, 'bin', 'byline.js');
const builtCli = join(projectRoot, 'dist', 'cli.js');

const SECRETS = {
  site: 'site-secret-do-not-print-0001',
  wordpress: 'wordpress-secret-do-not-print-0002',
  oidc: 'oidc-secret-do-not-print-0003',
  metrics: 'metrics-token-do-not-print-0004',
};

const temps: string[] = [];
after(async () => {
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'byline-cli-'));
  temps.push(dir);
  return dir;
}

/** A valid config without the dev provider (so NODE_ENV of the test run does not matter). */
function validConfig(dataDir: string): Record<string, unknown> {
  return {
    publicUrl: 'http://127.0.0.1:3999',
    listen: { host: '127.0.0.1', port: 0 },
    dataDir,
    metrics: { token: SECRETS.metrics },
    sites: {
      blog: {
        name: 'A Blog',
        origins: ['https://blog.example'],
        redirectUris: ['https://blog.example/callback'],
        secret: SECRETS.site,
      },
    },
    providers: {
      wordpress: { clientId: 'wp-client', clientSecret: SECRETS.wordpress },
      google: {
        type: 'oidc',
        name: 'Google',
        issuer: 'https://accounts.google.com',
        clientId: 'google-client',
        clientSecret: SECRETS.oidc,
      },
    },
  };
}

/** Writes a config file (an object as YAML, or YAML text) into a fresh temp dir; dataDir is `<dir>/data`. */
async function writeConfig(
  content: Record<string, unknown> | string | ((dataDir: string) => Record<string, unknown>) = validConfig,
): Promise<{ file: string; dir: string; dataDir: string }> {
  const dir = await tempDir();
  const dataDir = join(dir, 'data');
  const file = join(dir, 'byline.yaml');
  const value = typeof content === 'function' ? content(dataDir) : content;
  await writeFile(file, typeof value === 'string' ? value : stringify(value));
  return { file, dir, dataDir };
}

interface Result {
  code: number | undefined | null;
  stdout: string;
  stderr: string;
}

/** Runs `main` in this process with captured output. */
async function runMain(argv: string[]): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    out: (text) => {
      stdout += text;
    },
    err: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}

/** The environment for a child: this one without the variables that steer Byline, plus `env`. */
function childEnv(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { BYLINE_CONFIG: _config, NODE_ENV: _nodeEnv, ...rest } = process.env;
  return { ...rest, ...env };
}

/** Runs `byline <argv>` (from source) in a child process to completion. */
function runCli(argv: string[], env: Record<string, string> = {}, script = cliRunner): Promise<Result> {
  const nodeArgs = script === cliRunner ? ['--conditions=source', '--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...nodeArgs, script, ...argv], {
    cwd: projectRoot,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const lines = (text: string) => text.split('\n').filter((line) => line !== '');

describe('byline check-config', () => {
  test('prints the effective config as YAML with every secret shown as [redacted], exit 0', async () => {
    const { file, dataDir } = await writeConfig();
    const { code, stdout, stderr } = await runMain(['check-config', '--config', file]);
    assert.equal(code, 0);
    assert.equal(stderr, '');
    const printed = parse(stdout);
    assert.equal(printed.sites.blog.secret, '[redacted]');
    assert.equal(printed.providers.wordpress.clientSecret, '[redacted]');
    assert.equal(printed.providers.google.clientSecret, '[redacted]');
    assert.equal(printed.metrics.token, '[redacted]');
    for (const secret of Object.values(SECRETS)) assert.equal(stdout.includes(secret), false, secret);
    // The effective config: defaults filled in, dataDir resolved, durations written with units.
    assert.equal(printed.publicUrl, 'http://127.0.0.1:3999');
    assert.equal(printed.dataDir, dataDir);
    assert.equal(printed.providers.wordpress.clientId, 'wp-client');
    assert.equal(printed.tokens.algorithm, 'ES256');
    assert.equal(printed.tokens.accessTtl, '10m');
    assert.equal(printed.keys.activationDelay, '10m');
  });

  test('accepts --config=FILE as well', async () => {
    const { file } = await writeConfig();
    const { code, stdout } = await runMain(['check-config', `--config=${file}`]);
    assert.equal(code, 0);
    assert.equal(parse(stdout).publicUrl, 'http://127.0.0.1:3999');
  });

  test('checking a config creates no keys', async () => {
    const { file, dir } = await writeConfig();
    await runMain(['check-config', '--config', file]);
    assert.deepEqual(await readdir(dir), ['byline.yaml']);
  });

  test('an invalid config exits 1 with "path: message" lines on stderr and nothing on stdout', async () => {
    const { file } = await writeConfig((dataDir) => {
      const config = validConfig(dataDir);
      const sites = config.sites as { blog: Record<string, unknown> };
      sites.blog.redirectUris = ['not a url'];
      sites.blog.secret = 'short';
      config.unknownKey = true;
      return config;
    });
    const { code, stdout, stderr } = await runMain(['check-config', '--config', file]);
    assert.equal(code, 1);
    assert.equal(stdout, '');
    const errors = lines(stderr);
    assert.ok(errors.length >= 3, stderr);
    for (const line of errors) assert.match(line, /^[\w.[\]"-]+: \S/);
    assert.ok(
      errors.some((line) => line.startsWith('sites.blog.redirectUris[0]: ')),
      stderr,
    );
    assert.ok(
      errors.some((line) => line.startsWith('sites.blog.secret: ')),
      stderr,
    );
    assert.ok(errors.includes('unknownKey: unknown key "unknownKey"'), stderr);
    assert.equal(stderr.includes('short'), false, 'the invalid secret itself is not echoed');
  });

  test('a missing config file exits 1 naming the file', async () => {
    const dir = await tempDir();
    const missing = join(dir, 'nope.yaml');
    const { code, stdout, stderr } = await runMain(['check-config', '--config', missing]);
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.equal(stderr, `${missing}: cannot read the config file: no such file\n`);
  });

  test('a YAML syntax error exits 1 naming the file, line and column', async () => {
    const { file } = await writeConfig('sites:\n  blog: [unclosed\n');
    const { code, stdout, stderr } = await runMain(['check-config', '--config', file]);
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.match(
      stderr,
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: invalid YAML`),
    );
  });

  test('BYLINE_CONFIG names the config file when --config is not given', async () => {
    const { file } = await writeConfig();
    const { code, stdout, stderr } = await runCli(['check-config'], { BYLINE_CONFIG: file });
    assert.equal(stderr, '');
    assert.equal(code, 0);
    const printed = parse(stdout);
    assert.equal(printed.publicUrl, 'http://127.0.0.1:3999');
    assert.equal(printed.sites.blog.secret, '[redacted]');
  });

  test('--config wins over BYLINE_CONFIG', async () => {
    const { file } = await writeConfig();
    const { file: broken } = await writeConfig('publicUrl: [not, a, url]\n');
    const { code, stdout } = await runCli(['check-config', '--config', file], { BYLINE_CONFIG: broken });
    assert.equal(code, 0);
    assert.equal(parse(stdout).publicUrl, 'http://127.0.0.1:3999');
  });

  test('secrets taken from the environment are redacted too', async () => {
    const { file } = await writeConfig((dataDir) => ({
      ...validConfig(dataDir),
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a config placeholder, interpolated by Byline
      metrics: { token: '${TEST_METRICS_TOKEN}' },
    }));
    const token = 'env-metrics-token-do-not-print';
    const { code, stdout } = await runCli(['check-config', '--config', file], { TEST_METRICS_TOKEN: token });
    assert.equal(code, 0);
    assert.equal(parse(stdout).metrics.token, '[redacted]');
    assert.equal(stdout.includes(token), false);
  });

  test('NODE_ENV=production refuses a dev provider: exit 1 naming providers.dev', async () => {
    const { file } = await writeConfig((dataDir) => ({
      ...validConfig(dataDir),
      providers: { dev: { type: 'dev' } },
    }));
    const { code, stdout, stderr } = await runCli(['check-config', '--config', file], {
      NODE_ENV: 'production',
    });
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.match(stderr, /^providers\.dev: /m);
    const allowed = await runCli(['check-config', '--config', file], { NODE_ENV: 'development' });
    assert.equal(allowed.code, 0, 'the same config passes outside production');
  });
});

describe('byline serve', () => {
  interface Served {
    /** The first line written to stdout. */
    firstLine: Promise<string>;
    stop(
      signal: NodeJS.Signals,
    ): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  }

  function serve(file: string, env: Record<string, string> = {}): Served {
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', cliRunner, 'serve', '--config', file],
      {
        cwd: projectRoot,
        env: childEnv(env),
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 60_000,
      },
    );
    let stdout = '';
    let stderr = '';
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>(
      (resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })),
    );
    const firstLine = new Promise<string>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        const end = stdout.indexOf('\n');
        if (end >= 0) resolve(stdout.slice(0, end));
      });
      exited.then(({ code }) =>
        reject(new Error(`serve exited (${code}) before printing a line: ${stderr}`)),
      );
    });
    firstLine.catch(() => {});
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    return {
      firstLine,
      async stop(signal) {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        return exited;
      },
    };
  }

  test('prints "listening on <publicUrl>" as its first JSON log line, serves, and exits 0 on SIGTERM', async () => {
    const { file } = await writeConfig();
    const served = serve(file);
    try {
      const line = await served.firstLine;
      const log = JSON.parse(line) as { msg: string; port: number; level: number };
      assert.equal(log.msg, 'listening on http://127.0.0.1:3999');
      assert.equal(typeof log.port, 'number');
      const response = await fetch(`http://127.0.0.1:${log.port}/healthz`);
      assert.equal(response.status, 200);
    } finally {
      const { code, signal, stderr } = await served.stop('SIGTERM');
      assert.equal(signal, null);
      assert.equal(code, 0, stderr);
    }
  });

  test('SIGINT ends it with exit code 0 too', async () => {
    const { file } = await writeConfig();
    const served = serve(file);
    await served.firstLine;
    const { code, signal } = await served.stop('SIGINT');
    assert.equal(signal, null);
    assert.equal(code, 0);
  });

  test('serve creates the signing keys under dataDir on first start', async () => {
    const { file, dataDir } = await writeConfig();
    const served = serve(file);
    await served.firstLine;
    await served.stop('SIGTERM');
    const names = await readdir(join(dataDir, 'keys'));
    assert.equal(names.length, 2);
    assert.ok(names.includes('subject.key'));
  });

  test('a config error exits non-zero with the key path on stderr before anything listens', async () => {
    const { file, dataDir } = await writeConfig((dir) => {
      const { publicUrl: _publicUrl, ...config } = validConfig(dir);
      return config; // listen.port 0 without publicUrl
    });
    const { code, stdout, stderr } = await runCli(['serve', '--config', file]);
    assert.notEqual(code, 0);
    assert.equal(stdout, '', 'no "listening on" line');
    assert.match(stderr, /^publicUrl: /m);
    assert.equal(existsSync(dataDir), false, 'no keys were created either');
  });

  test('NODE_ENV=production with a dev provider exits 1 naming providers.dev', async () => {
    const { file } = await writeConfig((dataDir) => ({
      ...validConfig(dataDir),
      providers: { dev: { type: 'dev' } },
    }));
    const { code, stdout, stderr } = await runCli(['serve', '--config', file], { NODE_ENV: 'production' });
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.match(stderr, /^providers\.dev: /m);
  });
});

describe('byline keys', () => {
  const LINE = /^[\w-]{43} (ES256|EdDSA|RS256) (next|active|retiring|retired) \S+Z \S+Z (\S+Z|-)$/;

  test('keys list prints one line per key', async () => {
    const { file, dataDir } = await writeConfig();
    const { code, stdout, stderr } = await runMain(['keys', 'list', '--config', file]);
    assert.equal(code, 0);
    assert.equal(stderr, '');
    const [line, ...rest] = lines(stdout);
    assert.deepEqual(rest, []);
    assert.match(line ?? '', LINE);
    const [kid, alg, state, , , retires] = (line ?? '').split(' ');
    assert.equal(alg, 'ES256');
    assert.equal(state, 'active');
    assert.equal(retires, '-');
    assert.ok((await readdir(join(dataDir, 'keys'))).includes(`${kid}.json`));
  });

  test('keys rotate adds a next key, and keys list then shows both', async () => {
    const { file } = await writeConfig();
    const before = lines((await runMain(['keys', 'list', '--config', file])).stdout);
    const rotated = await runMain(['keys', 'rotate', '--config', file]);
    assert.equal(rotated.code, 0);
    const [added] = lines(rotated.stdout);
    assert.match(added ?? '', LINE);
    assert.equal(added?.split(' ')[2], 'next');

    const after = lines((await runMain(['keys', 'list', '--config', file])).stdout);
    assert.equal(after.length, 2);
    for (const line of after) assert.match(line, LINE);
    const states = Object.fromEntries(after.map((line) => [line.split(' ')[0], line.split(' ')[2]]));
    assert.deepEqual(states, {
      [before[0]?.split(' ')[0] as string]: 'active',
      [added?.split(' ')[0] as string]: 'next',
    });
  });

  test('keys rotate --now makes the new key active at once', async () => {
    const { file } = await writeConfig();
    const [oldLine] = lines((await runMain(['keys', 'list', '--config', file])).stdout);
    const rotated = await runMain(['keys', 'rotate', '--now', '--config', file]);
    assert.equal(rotated.code, 0);
    const newKid = rotated.stdout.split(' ')[0] as string;
    const after = lines((await runMain(['--config', file, 'keys', 'list'])).stdout);
    const states = Object.fromEntries(after.map((line) => [line.split(' ')[0], line.split(' ')[2]]));
    assert.deepEqual(states, { [oldLine?.split(' ')[0] as string]: 'retiring', [newKid]: 'active' });
  });

  test('keys with an invalid config exits 1 with the key path', async () => {
    const { file } = await writeConfig('sites: {}\ntokens: { algorithm: HS256 }\n');
    const { code, stdout, stderr } = await runMain(['keys', 'list', '--config', file]);
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.match(stderr, /^tokens\.algorithm: /m);
  });
});

describe('usage errors', () => {
  const usageCases: [string, string[]][] = [
    ['an unknown command', ['frobnicate']],
    ['no command at all', []],
    ['keys without a subcommand', ['keys']],
    ['an unknown keys subcommand', ['keys', 'shred']],
    ['an unknown option', ['check-config', '--verbose']],
    ['--config without a file', ['check-config', '--config']],
    ['--config= with an empty file name', ['check-config', '--config=']],
    ['--config followed by another option', ['keys', 'rotate', '--config', '--now']],
  ];
  for (const [what, argv] of usageCases) {
    test(`${what} exits 2 with the usage on stderr and nothing on stdout`, async () => {
      const { code, stdout, stderr } = await runMain(argv);
      assert.equal(code, 2);
      assert.equal(stdout, '');
      assert.match(stderr, /Usage: byline <command> \[--config FILE\]/);
    });
  }

  test('a usage error wins over a broken config (nothing is loaded)', async () => {
    const { file } = await writeConfig('publicUrl: [broken\n');
    const { code, stderr } = await runMain(['keys', 'shred', '--config', file]);
    assert.equal(code, 2);
    assert.match(stderr, /Usage: byline/);
  });

  test('--help prints the usage on stdout with exit 0', async () => {
    const { code, stdout, stderr } = await runMain(['--help']);
    assert.equal(code, 0);
    assert.equal(stderr, '');
    for (const command of ['serve', 'check-config', 'keys list', 'keys rotate [--now]']) {
      assert.ok(stdout.includes(command), command);
    }
  });
});

// `npm test` builds dist/ first (pretest), so the shipped entry point is tested as installed.
describe('bin/byline.js', () => {
  test('the build exists', () => {
    assert.ok(existsSync(builtCli), 'dist/cli.js is missing: run npm run build');
  });

  test('runs the built CLI and exits with its code', async () => {
    const help = await runCli(['--help'], {}, binScript);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: byline/);
    const unknown = await runCli(['frobnicate'], {}, binScript);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Usage: byline/);
  });

  test('check-config through the bin script redacts secrets', async () => {
    const { file } = await writeConfig();
    const { code, stdout } = await runCli(['check-config', '--config', file], {}, binScript);
    assert.equal(code, 0);
    assert.equal(parse(stdout).sites.blog.secret, '[redacted]');
    for (const secret of Object.values(SECRETS)) assert.equal(stdout.includes(secret), false);
  });
});
