// Fuzzing every route with fast-check: random parameters (repeated, array-typed, prototype keys,
// huge, unicode), random bodies under random content types and random credentials. Whatever arrives,
// Byline answers below 500, keeps serving, and leaves no unhandled rejection behind. The number of
// cases per route family is bounded (FUZZ_RUNS, default 150) so the file runs in seconds.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { startGateway, type TestGateway, testSite } from '../support/gateway.js';
import { pkce } from '../support/pkce.js';
import { sendRaw } from '../support/security.js';

const runs = Number(process.env.FUZZ_RUNS ?? 150);
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

let gateway: TestGateway;
before(async () => {
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
  gateway = await startGateway({
    config: {
      sites: {
        blog: { ...testSite, postLogoutRedirectUris: ['https://blog.example/bye'] },
        open: { origins: ['https://open.example'], redirectUris: ['https://open.example/cb'] },
        demo: { origins: ['http://localhost:3000'], redirectUris: ['http://localhost:3000/demo/callback'] },
      },
      demo: { enabled: true },
      providers: {
        dev: { type: 'dev' },
        facebook: { clientId: '1234', clientSecret: 'facebook-secret-0123456789' },
      },
      rateLimits: {
        authorize: { points: 1_000_000, window: '1m' },
        guest: { points: 1_000_000, window: '1m' },
        clientAuthFailures: { points: 1_000_000, window: '1m' },
      },
    },
  });
});
after(async () => {
  await gateway.close();
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUnhandled);
});

const { challenge, verifier } = pkce();

/** Parameter names Byline reads, with the values that get furthest, and nonsense. */
const names = [
  'client_id',
  'redirect_uri',
  'response_type',
  'response_mode',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
  'code_verifier',
  'code',
  'grant_type',
  'refresh_token',
  'token',
  'token_type_hint',
  'client_secret',
  'idp',
  'prompt',
  'ar',
  'csrf',
  'name',
  'email',
  'website',
  'error',
  'error_description',
  'signed_request',
  'post_logout_redirect_uri',
  'byline_token',
  'comment',
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
];
const goodValues = [
  'blog',
  'open',
  'https://blog.example/callback',
  'https://blog.example',
  'https://blog.example/bye',
  'code',
  'query',
  'web_message',
  'S256',
  'plain',
  challenge,
  verifier,
  'authorization_code',
  'refresh_token',
  'dev',
  'facebook',
  'none',
  'login',
  'select_account',
  testSite.secret,
  'Ada Lovelace',
  'ada@example.com',
  'https://ada.example',
  'access_denied',
  'A'.repeat(43),
];

const value = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...goodValues) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '%',
      '%zz',
      '\u0000',
      '\r\n',
      '../../etc/passwd',
      '<script>alert(1)</script>',
      'javascript:alert(1)',
      '{}',
      '[]',
      'null',
      'true',
      '-1',
      '1e309',
      'NaN',
    ),
  },
  { weight: 1, arbitrary: fc.nat({ max: 20_000 }).map((n) => 'x'.repeat(n)) },
);
const key = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...names) },
  { weight: 1, arbitrary: fc.constantFrom(...names).map((n) => `${n}[]`) },
  { weight: 1, arbitrary: fc.constantFrom(...names).map((n) => `${n}[a][b]`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);
/** Pairs rather than a map, so a parameter can repeat. */
const params = fc.array(fc.tuple(key, value), { maxLength: 12 });

const query = params.map((pairs) => new URLSearchParams(pairs).toString());

/** JSON values, with prototype keys and deep nesting. */
const json = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  params.map((pairs) => Object.fromEntries(pairs)),
  fc.constantFrom(
    '{"__proto__":{"polluted":1}}',
    '{"constructor":{"prototype":{"polluted":1}}}',
    '[[[[[[[[[[[[]]]]]]]]]]]]',
  ),
);

const contentTypes = fc.constantFrom(
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=utf-16',
  'application/x-www-form-urlencoded; charset=koi8-r',
  'application/json',
  'application/json; charset=latin1',
  'application/json; charset=bogus',
  'text/plain',
  'text/html',
  'multipart/form-data; boundary=xyz',
  'application/xml',
  'application/octet-stream',
  '*/*',
  ';;;',
  '',
);

const body = fc.oneof(
  params.map((pairs) => new URLSearchParams(pairs).toString()),
  json.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))),
  fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  fc.nat({ max: 40_000 }).map((n) => `name=${'y'.repeat(n)}`),
  fc.constant(''),
);

const authorization = fc.option(
  fc.oneof(
    fc.string({ maxLength: 40 }).map((s) => `Basic ${Buffer.from(s).toString('base64')}`),
    fc.constant(`Basic ${Buffer.from(`blog:${testSite.secret}`).toString('base64')}`),
    fc.constantFrom(
      'Basic',
      'Basic ',
      'Basic !!!',
      'Bearer',
      'Bearer ',
      'bearer a.b.c',
      'Bearer e30.e30.',
      'Digest x',
    ),
    fc.string({ maxLength: 60 }).map((s) => `Bearer ${s.replace(/[\r\n]/g, '')}`),
  ),
  { nil: undefined },
);

const cookie = fc.option(
  fc
    .array(
      fc.tuple(
        fc.constantFrom('byline_session', 'byline_tx', '__Host-byline_session', 'x', '__proto__'),
        fc.oneof(fc.constantFrom('A'.repeat(43), '%', '%E0%A4%A', ''), fc.string({ maxLength: 80 })),
      ),
      { maxLength: 4 },
    )
    .map((pairs) => pairs.map(([n, v]) => `${n}=${encodeURIComponent(v).slice(0, 200)}`).join('; ')),
  { nil: undefined },
);

const fetchHeaders = fc.record({
  authorization,
  cookie,
  origin: fc.option(
    fc.constantFrom('https://blog.example', 'https://evil.example', 'null', 'http://localhost:3000'),
    {
      nil: undefined,
    },
  ),
  'sec-fetch-site': fc.option(fc.constantFrom('same-origin', 'cross-site', 'none', 'same-site', 'bogus'), {
    nil: undefined,
  }),
});

function clean(headers: Record<string, string | undefined>): Record<string, string> {
  // Header values must be ByteStrings without CR/LF; anything else never reaches a server anyway.
  return Object.fromEntries(
    Object.entries(headers).filter(
      (entry): entry is [string, string] =>
        entry[1] !== undefined && /^[\t\x20-\x7e\x80-\xff]*$/.test(entry[1]),
    ),
  );
}

async function assertServed(method: string, path: string, init: RequestInit) {
  let response: Response;
  try {
    response = await fetch(new URL(path, gateway.url), { ...init, method, redirect: 'manual' });
  } catch (error) {
    assert.fail(`${method} ${path} got no answer: ${String(error)}`);
  }
  await response.arrayBuffer();
  assert.ok(response.status < 500, `${method} ${path} answered ${response.status}`);
}

const getRoutes = [
  '/',
  '/healthz',
  '/readyz',
  '/metrics',
  '/.well-known/openid-configuration',
  '/.well-known/jwks.json',
  '/widget.js',
  '/widget/config',
  '/authorize',
  '/auth/dev',
  '/auth/dev/callback',
  '/auth/facebook',
  '/auth/facebook/callback',
  '/auth/nope/callback',
  '/providers/facebook/deletion',
  '/providers/dev/deletion',
  '/logout',
  '/userinfo',
  '/demo',
  '/demo/callback',
  '/static/icons/dev.svg',
  '/static/../package.json',
  '/dev-idp/.well-known/openid-configuration',
];
const postRoutes = [
  '/token',
  '/revoke',
  '/introspect',
  '/guest',
  '/userinfo',
  '/logout',
  '/auth/guest',
  '/providers/facebook/data-deletion',
  '/providers/facebook/deauthorize',
  '/providers/nope/deauthorize',
  '/demo/api/comments',
  '/authorize',
];

describe('fuzzing: no 5xx, no crash, no unhandled rejection', () => {
  test(`GET on every page and API route with random query strings and credentials (${runs * 2} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...getRoutes), query, fetchHeaders, async (path, search, headers) => {
        await assertServed('GET', `${path}?${search}`, { headers: clean(headers) });
      }),
      { numRuns: runs * 2 },
    );
  });

  test(`/authorize with parameters that mostly pass the client checks (${runs} cases)`, async () => {
    const base = {
      client_id: 'blog',
      redirect_uri: 'https://blog.example/callback',
      response_type: 'code',
      state: 's',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    };
    await fc.assert(
      fc.asyncProperty(params, fetchHeaders, async (extra, headers) => {
        const search = new URLSearchParams(base);
        for (const [k, v] of extra) search.append(k, v);
        await assertServed('GET', `/authorize?${search}`, { headers: clean(headers) });
      }),
      { numRuns: runs },
    );
  });

  test(`POST on every form and API route with random bodies and content types (${runs * 3} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...postRoutes),
        query,
        contentTypes,
        body,
        fetchHeaders,
        async (path, search, type, payload, headers) => {
          await assertServed('POST', `${path}?${search}`, {
            headers: clean({ ...headers, ...(type ? { 'content-type': type } : {}) }),
            body: payload,
          });
        },
      ),
      { numRuns: runs * 3 },
    );
  });

  test(`the OAuth endpoints with well-formed bodies of random fields (${runs * 2} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/token', '/revoke', '/introspect', '/guest'),
        params,
        fc.boolean(),
        fetchHeaders,
        async (path, pairs, asJson, headers) => {
          const fields = [['client_id', 'blog'], ...pairs];
          await assertServed('POST', path, {
            headers: clean({
              ...headers,
              'content-type': asJson ? 'application/json' : 'application/x-www-form-urlencoded',
            }),
            body: asJson
              ? JSON.stringify(Object.fromEntries(fields))
              : new URLSearchParams(fields).toString(),
          });
        },
      ),
      { numRuns: runs * 2 },
    );
  });

  test(`other methods on every route (${runs} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...getRoutes, ...postRoutes),
        fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND'),
        async (path, method) => {
          // fetch() will not send TRACE; node:http sends any method.
          const answer = await sendRaw(new URL(path, gateway.url), { method });
          assert.ok(answer.status > 0 && answer.status < 500, `${method} ${path} answered ${answer.status}`);
        },
      ),
      { numRuns: runs },
    );
  });

  test('no path under /static reaches a file outside static/', async () => {
    for (const path of [
      '/static/../package.json',
      '/static/%2e%2e/package.json',
      '/static/%2e%2e%2fpackage.json',
      '/static/..%5cpackage.json',
      '/static/icons/../../config/default.yaml',
      '/static/%252e%252e/package.json',
    ]) {
      const answer = await sendRaw(new URL(path, gateway.url));
      assert.ok(
        answer.status === 404 || answer.status === 400 || answer.status === 403,
        `${path}: ${answer.status}`,
      );
      assert.doesNotMatch(answer.body, /byline-gateway|publicUrl:/, path);
    }
  });

  test('afterwards Byline still serves, and nothing was left unhandled', async () => {
    const health = await fetch(`${gateway.url}/healthz`);
    assert.equal(health.status, 200);
    const jwks = await fetch(`${gateway.url}/.well-known/jwks.json`);
    assert.equal(jwks.status, 200);
    assert.deepEqual(unhandled, []);
  });
});
