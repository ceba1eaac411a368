// Secure configuration (OWASP ASVS V14.1): a production start refuses development shortcuts, naming
// the key; a failure inside Byline is a bare 500 that never shows a stack, a secret, a code or a token.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ConfigError, type ConfigIssue } from '../../src/config/errors.js';
import { parseConfig } from '../../src/config/load.js';
import { startServer } from '../../src/server.js';
import { MemoryStore } from '../../src/store/memory.js';
import type { Store } from '../../src/store/store.js';
import { TestClock } from '../support/clock.js';
import { devLogin, siteParams } from '../support/flow.js';
import { startGateway, type TestGateway, testSite } from '../support/gateway.js';
import { postForm, send } from '../support/security.js';

function config(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    publicUrl: 'https://byline.example.com',
    sites: {
      blog: {
        origins: ['https://blog.example'],
        redirectUris: ['https://blog.example/cb'],
        secret: 'a-long-random-site-secret-0123456789',
      },
    },
    providers: { wordpress: { clientId: '1', clientSecret: 'wpcom-secret-0123' } },
    ...overrides,
  };
}

function issues(raw: Record<string, unknown>, env: Record<string, string>): ConfigIssue[] {
  try {
    parseConfig(raw, { env, cwd: '/srv' });
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  return [];
}

const site = (secret: string) => ({
  sites: { blog: { origins: ['https://blog.example'], redirectUris: ['https://blog.example/cb'], secret } },
});

describe('NODE_ENV=production refuses development shortcuts, naming the key', () => {
  const refused: [string, Record<string, unknown>, string][] = [
    ['the shipped demo secret', site('dev-only-demo-secret'), 'sites.blog.secret'],
    ['a change-me placeholder', site('changeme-changeme-changeme'), 'sites.blog.secret'],
    ['a dev provider', { providers: { dev: { type: 'dev' } } }, 'providers.dev'],
    ['an http publicUrl on a public host', { publicUrl: 'http://byline.example.com' }, 'publicUrl'],
    ['an http publicUrl on a private address', { publicUrl: 'http://10.0.0.5:3000' }, 'publicUrl'],
    [
      'no publicUrl while listening on every interface',
      { publicUrl: undefined, listen: { host: '0.0.0.0', port: 3000 } },
      'publicUrl',
    ],
  ];
  for (const [name, overrides, path] of refused) {
    test(`${name} → ${path}`, () => {
      const raw = config(overrides);
      if (overrides.publicUrl === undefined && 'publicUrl' in overrides) delete raw.publicUrl;
      const found = issues(raw, { NODE_ENV: 'production' });
      assert.deepEqual(
        found.map((issue) => issue.path),
        [path],
        JSON.stringify(found),
      );
      assert.match(found[0]?.message ?? '', /production|https|secret/);
      assert.deepEqual(issues(raw, { NODE_ENV: 'development' }), [], 'allowed outside production');
    });
  }

  test('a short secret is refused everywhere', () => {
    for (const env of [{ NODE_ENV: 'production' }, {}] as Record<string, string>[]) {
      const found = issues(config(site('short-secret')), env);
      assert.deepEqual(
        found.map((issue) => issue.path),
        ['sites.blog.secret'],
      );
      assert.match(found[0]?.message ?? '', /at least 16 characters/);
    }
  });

  const allowed: [string, Record<string, unknown>][] = [
    ['an https publicUrl', {}],
    ['plain http on localhost', { publicUrl: 'http://localhost:3000' }],
    ['plain http on 127.0.0.1', { publicUrl: 'http://127.0.0.1:8080' }],
    [
      'a site without a secret (PKCE only)',
      { sites: { blog: { origins: ['https://blog.example'], redirectUris: ['https://blog.example/cb'] } } },
    ],
  ];
  for (const [name, overrides] of allowed) {
    test(`${name} is allowed in production`, () => {
      assert.deepEqual(issues(config(overrides), { NODE_ENV: 'production' }), []);
    });
  }

  test('byline serve stops before listening, naming the key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'byline-prod-'));
    try {
      const file = join(dir, 'byline.yaml');
      await writeFile(
        file,
        JSON.stringify({ ...config({ publicUrl: 'http://byline.example.com' }), dataDir: join(dir, 'data') }),
      );
      await assert.rejects(
        startServer({ configFile: file, env: { NODE_ENV: 'production' }, cwd: dir }),
        (error) => {
          assert.ok(error instanceof ConfigError);
          assert.deepEqual(
            error.issues.map((issue) => issue.path),
            ['publicUrl'],
          );
          return true;
        },
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a 500 shows nothing of what went wrong', () => {
  /** A store that works until told to fail, then fails with an error full of things never to show. */
  let failing = false;
  const leak = `redis://admin:hunter2@10.0.0.9:6390 secret=${testSite.secret}`;
  const inner = new MemoryStore({ clock: new TestClock() });
  const store = new Proxy(inner, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      if (prop === 'close') return value.bind(target);
      return (...args: unknown[]) => {
        if (failing)
          return Promise.reject(new Error(`store down: ${leak} ${JSON.stringify(args).slice(0, 200)}`));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as Store;

  let gateway: TestGateway;
  let code: string;
  let verifier: string;
  let accessToken: string;
  before(async () => {
    gateway = await startGateway({ store, config: { sites: { blog: testSite } } });
    const login = await devLogin(gateway, { name: 'Leak Tester' });
    const guest = await postForm(
      `${gateway.url}/guest`,
      { client_id: 'blog', name: 'Leak Guest', email: 'leak@example.com' },
      { origin: 'https://blog.example' },
    );
    accessToken = (JSON.parse(guest.body) as { access_token: string }).access_token;
    code = siteParams(login.location).get('code') as string;
    verifier = login.verifier;
    failing = true;
  });
  after(async () => {
    failing = false;
    await gateway.close();
  });

  const requests: [string, () => Promise<Awaited<ReturnType<typeof send>>>][] = [
    [
      'POST /token with a code',
      () =>
        postForm(`${gateway.url}/token`, {
          grant_type: 'authorization_code',
          code,
          code_verifier: verifier,
          redirect_uri: 'https://blog.example/callback',
          client_id: 'blog',
          client_secret: testSite.secret,
        }),
    ],
    [
      'GET /userinfo with a token',
      () => send(`${gateway.url}/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } }),
    ],
    [
      'POST /introspect with a token',
      () =>
        postForm(`${gateway.url}/introspect`, {
          token: accessToken,
          client_id: 'blog',
          client_secret: testSite.secret,
        }),
    ],
    [
      'POST /revoke with a token',
      () => postForm(`${gateway.url}/revoke`, { token: accessToken, client_id: 'blog' }),
    ],
    [
      'POST /guest',
      () =>
        postForm(
          `${gateway.url}/guest`,
          { client_id: 'blog', name: 'Leak Guest', email: 'leak@example.com' },
          { origin: 'https://blog.example' },
        ),
    ],
    [
      'GET /authorize (an HTML page)',
      () =>
        send(
          `${gateway.url}/authorize?client_id=blog&redirect_uri=${encodeURIComponent('https://blog.example/callback')}&response_type=code&state=s&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256`,
        ),
    ],
  ];

  for (const [name, request] of requests) {
    test(`${name}: a generic 5xx without stack, secret, code or token`, async () => {
      const answer = await request();
      assert.ok(answer.status >= 500 && answer.status < 600, `${answer.status}`);
      assert.equal(answer.headers.get('cache-control'), 'no-store');
      for (const secret of [leak, 'hunter2', testSite.secret, code, verifier, accessToken, 'store down'])
        assert.equal(answer.body.includes(secret), false, `the answer shows ${secret.slice(0, 20)}…`);
      assert.doesNotMatch(answer.body, /\bat [\w.<>]+ \(|node:internal|\/src\/|\.ts:\d+/, 'no stack trace');
      if (answer.headers.get('content-type')?.includes('json')) {
        const body = JSON.parse(answer.body) as Record<string, unknown>;
        assert.deepEqual(Object.keys(body).sort(), ['error', 'error_description']);
        assert.ok(
          ['server_error', 'temporarily_unavailable'].includes(String(body.error)),
          String(body.error),
        );
      }
    });
  }
});
