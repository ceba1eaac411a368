// Response headers (helmet and CORS; OWASP ASVS V3.4, V14.4): a nonce-based CSP that no page
// weakens, nosniff everywhere, HSTS on https, and CORS only where browsers on sites need it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { authorizeUrl, devLogin, redeemLogin } from '../support/flow.js';
import { startGateway, type TestGateway, testSite } from '../support/gateway.js';
import { pkce } from '../support/pkce.js';
import { send } from '../support/security.js';

let gateway: TestGateway;
before(async () => {
  gateway = await startGateway({
    config: {
      sites: { blog: testSite },
      providers: {
        dev: { type: 'dev' },
        facebook: { clientId: '1234', clientSecret: 'facebook-app-secret-0123', endpoints: {} },
      },
      rateLimits: { authorize: { points: 100_000, window: '1m' } },
    },
  });
});
after(() => gateway.close());

const { challenge } = pkce();
const siteOrigin = 'https://blog.example';

/** The CSP as a map of directive → sources. */
function csp(headers: Headers): Map<string, string[]> {
  const value = headers.get('content-security-policy');
  assert.ok(value, 'a Content-Security-Policy header');
  return new Map(
    value.split(';').map((part) => {
      const [name = '', ...sources] = part.trim().split(/\s+/);
      return [name, sources];
    }),
  );
}

async function pages(): Promise<[string, Awaited<ReturnType<typeof send>>][]> {
  const { browser } = await devLogin(gateway, { name: 'Header Reader' });
  const webMessage = await browser.request(
    authorizeUrl(gateway, challenge, { responseMode: 'web_message', redirectUri: siteOrigin }),
  );
  const asAnswer = (hop: typeof webMessage) => ({
    status: hop.response.status,
    location: hop.response.headers.get('location'),
    headers: hop.response.headers,
    body: hop.body,
  });
  return [
    ['the chooser', await send(authorizeUrl(gateway, challenge))],
    ['the web_message hand-off page', asAnswer(webMessage)],
    ['an authorize error page', await send(`${gateway.url}/authorize?client_id=nobody`)],
    ['a callback error page', await send(`${gateway.url}/auth/dev/callback?state=forged`)],
    ['the logout page', await send(`${gateway.url}/logout`)],
    ['the landing page', await send(`${gateway.url}/`)],
    ['a 404 page', await send(`${gateway.url}/no-such-page`)],
    [
      'the deletion status page',
      await send(`${gateway.url}/providers/facebook/deletion?code=unknown-code-123456`),
    ],
  ];
}

describe('Content-Security-Policy on every page', () => {
  test('script-src has a fresh nonce and no unsafe-inline; object-src, base-uri and frame-ancestors are none', async () => {
    const nonces = new Set<string>();
    for (const [name, answer] of await pages()) {
      const policy = csp(answer.headers);
      const scripts = policy.get('script-src') ?? policy.get('default-src') ?? [];
      assert.ok(!scripts.includes("'unsafe-inline'"), `${name}: no unsafe-inline scripts`);
      assert.ok(!scripts.includes("'unsafe-eval'"), `${name}: no unsafe-eval`);
      assert.ok(!scripts.some((s) => s === '*' || s === 'data:' || s === 'https:'), `${name}: no wildcard`);
      const nonce = scripts.find((s) => s.startsWith("'nonce-"));
      assert.ok(nonce, `${name}: a script nonce`);
      nonces.add(nonce);
      assert.deepEqual(policy.get('object-src'), ["'none'"], name);
      assert.deepEqual(policy.get('base-uri'), ["'none'"], name);
      assert.deepEqual(policy.get('frame-ancestors'), ["'none'"], name);
      // Every inline script carries the header's nonce; no inline event handlers.
      const value = nonce.slice("'nonce-".length, -1);
      for (const tag of answer.body.matchAll(/<script\b[^>]*>/g)) {
        if (/type="application\/json"/.test(tag[0])) continue;
        assert.ok(tag[0].includes(`nonce="${value}"`) || /\bsrc=/.test(tag[0]), `${name}: ${tag[0]}`);
      }
      assert.doesNotMatch(answer.body, /\son[a-z]+\s*=/i, `${name}: no inline event handler`);
    }
    assert.ok(nonces.size >= 8, 'a new nonce per response');
  });

  test('answers that are not pages allow no inline script or style at all', async () => {
    for (const path of ['/healthz', '/.well-known/jwks.json', '/userinfo', '/widget/config?client_id=blog']) {
      const policy = csp((await send(`${gateway.url}${path}`)).headers);
      assert.deepEqual(policy.get('script-src'), ["'self'"], path);
      assert.deepEqual(policy.get('style-src'), ["'self'"], path);
      assert.deepEqual(policy.get('frame-ancestors'), ["'none'"], path);
    }
  });

  test('the login popup’s pages relax only COOP (the hand-off needs window.opener); others keep same-origin', async () => {
    const popup = [
      'the chooser',
      'the web_message hand-off page',
      'an authorize error page',
      'a callback error page',
    ];
    for (const [name, answer] of await pages()) {
      const coop = answer.headers.get('cross-origin-opener-policy');
      if (popup.includes(name)) assert.equal(coop, 'unsafe-none', name);
      else assert.equal(coop, 'same-origin', name);
      assert.equal(answer.headers.get('x-frame-options'), 'SAMEORIGIN', name);
    }
  });
});

describe('X-Content-Type-Options: nosniff everywhere', () => {
  const routes: [string, RequestInit?][] = [
    ['/'],
    ['/healthz'],
    ['/readyz'],
    ['/metrics'],
    ['/.well-known/openid-configuration'],
    ['/.well-known/jwks.json'],
    ['/widget.js'],
    ['/widget/config?client_id=blog'],
    ['/static/icons/dev.svg'],
    ['/userinfo'],
    ['/token', { method: 'POST' }],
    ['/introspect', { method: 'POST' }],
    ['/nothing-here'],
    ['/authorize'],
  ];
  for (const [path, init] of routes) {
    test(`${init?.method ?? 'GET'} ${path}`, async () => {
      const answer = await send(`${gateway.url}${path}`, init);
      assert.ok(answer.status < 500);
      assert.equal(answer.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(answer.headers.get('x-powered-by'), null);
    });
  }
});

describe('POST /token: the headers of a JSON answer (OWASP REST Security Cheat Sheet)', () => {
  test('tokens and errors alike: no-store, nosniff, framed by no one, none of the headers only pages need', async () => {
    const login = await devLogin(gateway, { name: 'Token Reader' });
    const issued = await redeemLogin(gateway, login);
    assert.equal(issued.status, 200);
    const replayed = await redeemLogin(gateway, login);
    assert.equal(replayed.status, 400);
    for (const [what, { headers }] of [
      ['tokens', issued],
      ['an error', replayed],
    ] as const) {
      assert.equal(headers.get('cache-control'), 'no-store', what);
      assert.match(headers.get('content-type') ?? '', /^application\/json\b/, what);
      assert.equal(headers.get('x-content-type-options'), 'nosniff', what);
      assert.equal(
        headers.get('content-security-policy'),
        "default-src 'none'; frame-ancestors 'none'",
        what,
      );
      assert.equal(headers.get('x-frame-options'), 'DENY', what);
      assert.equal(headers.get('cross-origin-resource-policy'), 'same-site', what);
      for (const pageOnly of ['referrer-policy', 'cross-origin-opener-policy', 'origin-agent-cluster'])
        assert.equal(headers.get(pageOnly), null, `${what}: ${pageOnly}`);
    }
  });
});

describe('HSTS', () => {
  test('is sent when publicUrl is https (Byline does not look at the socket’s scheme)', async () => {
    const https = await startGateway({ publicUrl: 'https://byline.test' });
    try {
      for (const [path, init] of [
        ['/'],
        ['/.well-known/jwks.json'],
        ['/healthz'],
        ['/token', { method: 'POST' }],
      ] as const) {
        const hsts = (await send(`${https.url}${path}`, init)).headers.get('strict-transport-security');
        assert.match(hsts ?? '', /^max-age=31536000; includeSubDomains$/, path);
      }
    } finally {
      await https.close();
    }
  });

  test('is not sent for a plain-http publicUrl (development)', async () => {
    assert.equal((await send(`${gateway.url}/`)).headers.get('strict-transport-security'), null);
  });
});

describe('CORS', () => {
  const siteRoutes: [string, string][] = [
    ['POST', '/token'],
    ['POST', '/revoke'],
    ['POST', '/guest'],
    ['GET', '/userinfo'],
  ];
  const closedRoutes: [string, string][] = [
    ['POST', '/introspect'],
    ['GET', '/authorize'],
    ['POST', '/logout'],
    ['POST', '/auth/guest'],
    ['POST', '/providers/facebook/data-deletion'],
    ['GET', '/metrics'],
    ['GET', '/'],
    ['GET', '/healthz'],
  ];
  const publicRoutes = [
    '/.well-known/openid-configuration',
    '/.well-known/jwks.json',
    '/widget/config?client_id=blog',
    '/widget.js',
  ];

  function assertNoCredentials(headers: Headers, what: string) {
    assert.equal(headers.get('access-control-allow-credentials'), null, `${what}: never credentials`);
  }

  for (const [method, path] of siteRoutes) {
    test(`${method} ${path} allows a registered site origin only, without credentials`, async () => {
      for (const origin of [
        siteOrigin,
        'https://evil.example',
        'null',
        'https://blog.example.evil.example',
      ]) {
        const preflight = await send(`${gateway.url}${path}`, {
          method: 'OPTIONS',
          headers: { origin, 'access-control-request-method': method },
        });
        const actual = await send(`${gateway.url}${path}`, { method, headers: { origin } });
        for (const [what, answer] of [
          ['preflight', preflight],
          ['request', actual],
        ] as const) {
          assert.equal(
            answer.headers.get('access-control-allow-origin'),
            origin === siteOrigin ? origin : null,
            `${what} from ${origin}`,
          );
          assertNoCredentials(answer.headers, `${what} from ${origin}`);
          assert.match(answer.headers.get('vary') ?? '', /Origin/i);
        }
      }
    });
  }

  for (const [method, path] of closedRoutes) {
    test(`${method} ${path} answers no CORS, even to a registered site origin`, async () => {
      const preflight = await send(`${gateway.url}${path}`, {
        method: 'OPTIONS',
        headers: { origin: siteOrigin, 'access-control-request-method': method },
      });
      const actual = await send(`${gateway.url}${path}`, { method, headers: { origin: siteOrigin } });
      for (const answer of [preflight, actual]) {
        assert.equal(answer.headers.get('access-control-allow-origin'), null);
        assertNoCredentials(answer.headers, path);
      }
    });
  }

  for (const path of publicRoutes) {
    test(`GET ${path} is readable by any origin (*), never with credentials`, async () => {
      const answer = await send(`${gateway.url}${path}`, { headers: { origin: 'https://evil.example' } });
      assert.equal(answer.status, 200);
      assert.equal(answer.headers.get('access-control-allow-origin'), '*');
      assertNoCredentials(answer.headers, path);
    });
  }
});
