import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { main } from '../src/cli.js';

// Processes run the built CLI, as installed: `npm test` builds dist/ first (pretest). Starting it takes
// a fraction of a second, where the TypeScript sources through tsx took seconds per process.
const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const binScript = join(projectRoot, 'bin', 'byline.js');
const builtCli = join(projectRoot, 'dist', 'cli.js');
const packageVersion = (
  JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }
).version;

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

/** Runs `bin/byline.js <argv>` in a child process to completion. */
function runCli(argv: string[], env: Record<string, string> = {}): Promise<Result> {
  const child = spawn(process.execPath, [binScript, ...argv], {
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
    assert.ok(
      stdout.startsWith(`# The effective config of ${file}, as \`byline check-config\` prints it.\n`),
    );
    const printed = parse(stdout);
    // A site's or provider's id is its key: the config file has no `id` keys, so neither has the output.
    assert.equal('id' in printed.sites.blog, false);
    assert.equal('id' in printed.providers.wordpress, false);
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

  test('a secret taken from the environment is printed as its $VAR reference, never its value', async () => {
    const { file } = await writeConfig((dataDir) => ({
      ...validConfig(dataDir),
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a config placeholder, interpolated by Byline
      metrics: { token: '${TEST_METRICS_TOKEN}' },
    }));
    const token = 'env-metrics-token-do-not-print';
    const { code, stdout } = await runCli(['check-config', '--config', file], { TEST_METRICS_TOKEN: token });
    assert.equal(code, 0);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the reference as printed
    assert.equal(parse(stdout).metrics.token, '${TEST_METRICS_TOKEN}');
    assert.equal(stdout.includes(token), false);
  });

  test('its output is itself a valid config: fed back to check-config it loads and prints the same', async () => {
    // Every secret from the environment, and a literal `${` (written `$${`) that must stay literal.
    const { file, dataDir } = await writeConfig((dir) => {
      const config = validConfig(dir) as {
        sites: { blog: Record<string, unknown> };
        providers: Record<string, Record<string, unknown>>;
        metrics: Record<string, unknown>;
      };
      /* biome-ignore-start lint/suspicious/noTemplateCurlyInString: config placeholders */
      config.sites.blog.secret = '${TEST_SITE_SECRET}';
      config.sites.blog.name = 'Costs $${AMOUNT}';
      (config.providers.wordpress as Record<string, unknown>).clientSecret = '${TEST_WP_SECRET:-}';
      (config.providers.google as Record<string, unknown>).clientSecret =
        '${TEST_OIDC_SECRET:-a-default-secret}';
      config.metrics.token = '${TEST_METRICS_TOKEN}';
      /* biome-ignore-end lint/suspicious/noTemplateCurlyInString: config placeholders */
      return config;
    });
    const env = {
      TEST_SITE_SECRET: SECRETS.site,
      TEST_WP_SECRET: SECRETS.wordpress,
      TEST_OIDC_SECRET: SECRETS.oidc,
      TEST_METRICS_TOKEN: SECRETS.metrics,
    };
    const first = await runCli(['check-config', '--config', file], env);
    assert.equal(first.code, 0, first.stderr);
    for (const secret of Object.values(SECRETS)) assert.equal(first.stdout.includes(secret), false, secret);
    const printed = parse(first.stdout);
    /* biome-ignore-start lint/suspicious/noTemplateCurlyInString: the references as printed */
    assert.equal(printed.sites.blog.secret, '${TEST_SITE_SECRET}');
    assert.equal(printed.providers.wordpress.clientSecret, '${TEST_WP_SECRET:-}');
    assert.equal(
      printed.providers.google.clientSecret,
      '${TEST_OIDC_SECRET:-[redacted]}',
      'the default is hidden',
    );
    assert.equal(printed.sites.blog.name, 'Costs $${AMOUNT}');
    /* biome-ignore-end lint/suspicious/noTemplateCurlyInString: the references as printed */

    const dumped = join(dataDir, '..', 'dumped.yaml');
    await writeFile(dumped, first.stdout);
    const second = await runCli(['check-config', '--config', dumped], env);
    assert.equal(second.code, 0, second.stderr);
    const body = (text: string) => text.split('\n').slice(1).join('\n'); // after the line naming the file
    assert.equal(body(second.stdout), body(first.stdout));
  });

  test('fed back with [redacted] secrets, the loader says it is a redacted dump that needs the real secrets', async () => {
    const { file, dataDir } = await writeConfig();
    const first = await runMain(['check-config', '--config', file]);
    assert.equal(first.code, 0);
    const dumped = join(dataDir, '..', 'dumped.yaml');
    await writeFile(dumped, first.stdout);
    const { code, stdout, stderr } = await runMain(['check-config', '--config', dumped]);
    assert.equal(code, 1);
    assert.equal(stdout, '');
    const explanation =
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the message names the placeholder syntax
      'is "[redacted]": this config is a redacted dump (byline check-config hides secrets); put the real secret back, or a ${VAR} reference to it';
    assert.deepEqual(lines(stderr).sort(), [
      `metrics.token: ${explanation}`,
      `providers.google.clientSecret: ${explanation}`,
      `providers.wordpress.clientSecret: ${explanation}`,
      `sites.blog.secret: ${explanation}`,
    ]);
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
    /** The JSON log line whose message is "listening on …", parsed. */
    listening: Promise<{ msg: string; port: number; level: number }>;
    stop(signal: NodeJS.Signals): Promise<{
      code: number | null;
      signal: NodeJS.Signals | null;
      stdout: string;
      stderr: string;
    }>;
  }

  function serve(file: string, env: Record<string, string> = {}): Served {
    const child = spawn(process.execPath, [binScript, 'serve', '--config', file], {
      cwd: projectRoot,
      env: childEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
    let stdout = '';
    let stderr = '';
    const exited = new Promise<{
      code: number | null;
      signal: NodeJS.Signals | null;
      stdout: string;
      stderr: string;
    }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
    const listening = new Promise<{ msg: string; port: number; level: number }>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        const line = lines(stdout).find((text) => text.includes('"listening on '));
        if (line) resolve(JSON.parse(line));
      });
      exited.then(({ code }) => reject(new Error(`serve exited (${code}) before listening: ${stderr}`)));
    });
    listening.catch(() => {});
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    return {
      listening,
      async stop(signal) {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        return exited;
      },
    };
  }

  test('logs "listening on <publicUrl>" as a JSON line, serves, and exits 0 on SIGTERM', async () => {
    const { file } = await writeConfig();
    const served = serve(file);
    try {
      const log = await served.listening;
      assert.equal(log.msg, 'listening on http://127.0.0.1:3999');
      assert.equal(typeof log.port, 'number');
      const response = await fetch(`http://127.0.0.1:${log.port}/healthz`);
      assert.equal(response.status, 200);
    } finally {
      const { code, signal, stdout, stderr } = await served.stop('SIGTERM');
      assert.equal(signal, null);
      assert.equal(code, 0, stderr);
      for (const line of lines(stdout)) JSON.parse(line); // stdout stays JSON lines for log collectors
    }
  });

  test('tells the person who started it where to go: the demo when it is on, else publicUrl', async () => {
    const { file } = await writeConfig((dataDir) => ({
      ...validConfig(dataDir),
      demo: { enabled: true },
      sites: {
        demo: {
          origins: ['http://127.0.0.1:3999'],
          redirectUris: ['http://127.0.0.1:3999/demo/callback'],
        },
      },
      providers: { dev: { type: 'dev' } },
    }));
    const served = serve(file);
    await served.listening;
    const { stderr } = await served.stop('SIGTERM');
    assert.match(stderr, /^Byline is running: open http:\/\/127\.0\.0\.1:3999\/demo$/m);

    const { file: plain } = await writeConfig();
    const second = serve(plain);
    await second.listening;
    const { stderr: withoutDemo } = await second.stop('SIGTERM');
    assert.match(withoutDemo, /^Byline is running at http:\/\/127\.0\.0\.1:3999$/m);
  });

  test('says that it created the signing keys on the first start, and not on the next', async () => {
    const { file, dataDir } = await writeConfig();
    const first = serve(file);
    await first.listening;
    const { stdout, stderr } = await first.stop('SIGTERM');
    const keysDir = join(dataDir, 'keys');
    assert.ok(
      stderr.includes(`Created the signing keys in ${keysDir} (first start; keep that directory).\n`),
      stderr,
    );
    const logged = lines(stdout).map((line) => JSON.parse(line) as { msg: string; dir?: string });
    assert.deepEqual(
      logged.filter(({ msg }) => msg.startsWith('created signing keys')).map(({ dir }) => dir),
      [keysDir],
    );
    // One key for access tokens (ES256) and one for ID tokens (RS256), and the root secret.
    const names = await readdir(keysDir);
    assert.equal(names.length, 3);
    assert.ok(names.includes('subject.key'));

    const second = serve(file);
    await second.listening;
    const again = await second.stop('SIGTERM');
    assert.doesNotMatch(again.stderr, /Created the signing keys/);
    assert.doesNotMatch(again.stdout, /created signing keys/);
  });

  test('SIGINT ends it with exit code 0 too', async () => {
    const { file } = await writeConfig();
    const served = serve(file);
    await served.listening;
    const { code, signal } = await served.stop('SIGINT');
    assert.equal(signal, null);
    assert.equal(code, 0);
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
  const HEADER = /^KID +ALG +STATE +CREATED +ACTIVATES +RETIRES$/;
  const LINE = /^[\w-]{43} +(ES256|EdDSA|RS256) +(next|active|retiring|retired) +\S+Z +\S+Z +(\S+Z|-)$/;

  /** `keys list` output as rows of cells, after checking the header and that columns line up. */
  function table(stdout: string): string[][] {
    const [header = '', ...rows] = lines(stdout);
    assert.match(header, HEADER);
    const starts = [...header.matchAll(/\S+/g)].map((match) => match.index);
    return rows.map((row) => {
      assert.match(row, LINE);
      const cells = [...row.matchAll(/\S+/g)];
      assert.deepEqual(
        cells.map((cell) => cell.index),
        starts,
        `"${row}" lines up under "${header}"`,
      );
      return cells.map((cell) => cell[0]);
    });
  }

  /** Creates the key set the way a first `serve` does with the default tokens: ES256, and RS256 for ID tokens. */
  async function firstStart(dataDir: string) {
    const { KeyStore } = await import('../src/tokens/keystore.js');
    const { systemClock } = await import('../src/clock.js');
    return KeyStore.open(dataDir, { algorithm: 'ES256', algorithms: ['ES256', 'RS256'], clock: systemClock });
  }

  test('keys list on a fresh dataDir says there are no keys yet and creates none', async () => {
    const { file, dir, dataDir } = await writeConfig();
    const { code, stdout, stderr } = await runMain(['keys', 'list', '--config', file]);
    assert.equal(code, 0);
    assert.equal(stderr, '');
    assert.equal(
      stdout,
      `No signing keys in ${join(dataDir, 'keys')} yet: \`byline serve\` creates them when it first starts (or run \`byline keys rotate\`).\n`,
    );
    assert.deepEqual(await readdir(dir), ['byline.yaml'], 'no dataDir, no keys');
  });

  test('keys list prints a header and one aligned line per key, of every algorithm', async () => {
    const { file, dataDir } = await writeConfig();
    const keys = await firstStart(dataDir);
    const { code, stdout, stderr } = await runMain(['keys', 'list', '--config', file]);
    assert.equal(code, 0);
    assert.equal(stderr, '');
    const rows = table(stdout).map(([kid, alg, state, , , retires]) => ({ kid, alg, state, retires }));
    assert.deepEqual(
      rows.sort((a, b) => String(a.alg).localeCompare(String(b.alg))),
      [
        { kid: keys.signingKey('ES256').kid, alg: 'ES256', state: 'active', retires: '-' },
        { kid: keys.signingKey('RS256').kid, alg: 'RS256', state: 'active', retires: '-' },
      ],
    );
  });

  test('keys rotate names the new ES256 and RS256 keys and says in a sentence when they start signing; keys list then shows all four', async () => {
    const { file, dataDir } = await writeConfig();
    const keys = await firstStart(dataDir);
    const old = { ES256: keys.signingKey('ES256').kid, RS256: keys.signingKey('RS256').kid };
    const before = Date.now();
    const rotated = await runMain(['keys', 'rotate', '--config', file]);
    assert.equal(rotated.code, 0);
    const match =
      /^They are published in the JWKS now and start signing at (\S+Z) \(in 10 minutes\), once every verifier's cached key set holds them\.$/m.exec(
        rotated.stdout,
      );
    assert.ok(match, rotated.stdout);
    const startsAt = Date.parse(match[1] as string);
    assert.ok(startsAt >= before + 600_000 && startsAt <= Date.now() + 600_000);
    const added = /^Added signing keys ([\w-]{43}) \(ES256\) and ([\w-]{43}) \(RS256\) to /.exec(
      rotated.stdout,
    );
    assert.ok(added, rotated.stdout);
    const [, newEs, newRs] = added as unknown as [string, string, string];
    for (const [alg, kid] of Object.entries(old)) {
      assert.match(
        rotated.stdout,
        new RegExp(`^Key ${kid} \\(${alg}\\) signs until then and stays published until \\S+Z,`, 'm'),
      );
    }

    const states = Object.fromEntries(
      table((await runMain(['keys', 'list', '--config', file])).stdout).map((row) => [row[0], row[2]]),
    );
    assert.deepEqual(states, {
      [old.ES256]: 'active',
      [old.RS256]: 'active',
      [newEs]: 'next',
      [newRs]: 'next',
    });
  });

  test('keys rotate --now says the new keys sign from now on, and they do', async () => {
    const { file, dataDir } = await writeConfig();
    const keys = await firstStart(dataDir);
    const rotated = await runMain(['keys', 'rotate', '--now', '--config', file]);
    assert.equal(rotated.code, 0);
    assert.match(rotated.stdout, /^They sign from now on \(--now\)/m);
    const [, newEs, newRs] = /^Added signing keys ([\w-]{43}) \(ES256\) and ([\w-]{43}) \(RS256\)/.exec(
      rotated.stdout,
    ) as unknown as [string, string, string];
    const after = table((await runMain(['--config', file, 'keys', 'list'])).stdout);
    const states = Object.fromEntries(after.map((row) => [row[0], row[2]]));
    assert.deepEqual(states, {
      [keys.signingKey('ES256').kid]: 'retiring',
      [keys.signingKey('RS256').kid]: 'retiring',
      [newEs]: 'active',
      [newRs]: 'active',
    });
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
    ['no command at all', []],
    ['keys without a subcommand', ['keys']],
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

  const typoCases: [string, string[], string][] = [
    [
      'a misspelt command',
      ['chek-config'],
      'byline: unknown command "chek-config" (did you mean check-config?)',
    ],
    ['the start of a command', ['check'], 'byline: unknown command "check" (did you mean check-config?)'],
    ['a misspelt keys command', ['keys', 'lsit'], 'byline: unknown keys command "lsit" (did you mean list?)'],
    [
      'a misspelt option',
      ['check-config', '--confg', 'x'],
      'byline: unknown option "--confg" (did you mean --config?)',
    ],
    ['a command like no other', ['frobnicate'], 'byline: unknown command "frobnicate"'],
    ['an option like no other', ['check-config', '--verbose'], 'byline: unknown option "--verbose"'],
  ];
  for (const [what, argv, message] of typoCases) {
    test(`${what} is an unknown command or option, with the nearest one suggested (exit 2)`, async () => {
      const { code, stdout, stderr } = await runMain(argv);
      assert.equal(code, 2);
      assert.equal(stdout, '');
      assert.equal(stderr, `${message}\nRun \`byline --help\` for the usage.\n`);
    });
  }

  test('a usage error wins over a broken config (nothing is loaded)', async () => {
    const { file } = await writeConfig('publicUrl: [broken\n');
    const { code, stderr } = await runMain(['keys', 'shred', '--config', file]);
    assert.equal(code, 2);
    assert.match(stderr, /^byline: unknown keys command "shred"/);
  });

  test('--help prints the usage on stdout with exit 0', async () => {
    const { code, stdout, stderr } = await runMain(['--help']);
    assert.equal(code, 0);
    assert.equal(stderr, '');
    for (const command of ['serve', 'check-config', 'keys list', 'keys rotate [--now]', '--version']) {
      assert.ok(stdout.includes(command), command);
    }
  });

  test('--version prints the version from package.json', async () => {
    for (const flag of ['--version', '-V']) {
      const { code, stdout, stderr } = await runMain([flag]);
      assert.equal(code, 0);
      assert.equal(stderr, '');
      assert.equal(stdout, `byline ${packageVersion}\n`);
    }
  });
});

// `npm test` builds dist/ first (pretest), so the shipped entry point is tested as installed.
describe('bin/byline.js', () => {
  test('the build exists', () => {
    assert.ok(existsSync(builtCli), 'dist/cli.js is missing: run npm run build');
  });

  test('runs the built CLI and exits with its code', async () => {
    const version = await runCli(['--version']);
    assert.equal(version.code, 0);
    assert.equal(version.stdout, `byline ${packageVersion}\n`);
    const unknown = await runCli(['frobnicate']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^byline: unknown command "frobnicate"/);
  });
});
