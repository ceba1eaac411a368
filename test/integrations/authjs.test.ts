// A real relying party, Auth.js (@auth/express) with a custom `type: 'oidc'` provider at Byline, in an
// Express app of its own: sign-in through its REST API (CSRF token, POST /auth/signin/<provider>),
// Byline's dev login, its callback (code exchange, ID token validation), and its session.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ExpressAuth, type ExpressAuthConfig } from '@auth/express';
import type { OIDCConfig } from '@auth/express/providers';
import express from 'express';
import { Browser } from '../support/browser.js';
import { listenOnFreePort, startGateway, type TestGateway } from '../support/gateway.js';
import { ada, continueDevLogin } from './reader.js';

const secret = 'authjs-site-secret-0123456789';

// Two providers at the same Byline site: Auth.js's default checks for an OIDC provider (PKCE only, no
// state, no nonce), and every check it has.
const providers = {
  byline: undefined,
  'byline-checks': ['pkce', 'state', 'nonce'],
} satisfies Record<string, OIDCConfig<Record<string, unknown>>['checks']>;
type ProviderId = keyof typeof providers;

let gateway: TestGateway;
let rp: { url: string; server: Server; errors: Error[] };

/** The Auth.js app: ExpressAuth mounted at /auth, as its documentation shows, and a page to land on. */
function authJsApp(issuer: string, errors: Error[]): express.Express {
  const config: ExpressAuthConfig = {
    providers: Object.entries(providers).map(([id, checks]) => ({
      id,
      name: 'Byline',
      type: 'oidc' as const,
      issuer,
      clientId: 'authjs',
      clientSecret: secret,
      ...(checks ? { checks } : {}),
    })),
    secret: 'auth-js-session-secret-0123456789abcdef',
    trustHost: true,
    // Nothing to set for an http issuer: @auth/core 0.41 already passes oauth4webapi's
    // allowInsecureRequests to its discovery, token and userinfo requests (marked TODO there; should a
    // later version drop it, `[customFetch]` from @auth/express is the hook), and on an http origin it
    // uses cookies without the __Secure- prefix by itself.
    // Auth.js logs what went wrong on its side (the library error behind /auth/error): keep it for the
    // assertion messages instead of the console.
    logger: { error: (error) => errors.push(error), warn: () => {}, debug: () => {} },
  };
  const app = express();
  app.use('/auth', ExpressAuth(config));
  app.get('/account', (_req, res) => {
    res.type('text').send('signed in');
  });
  return app;
}

before(async () => {
  // Byline's address first (the provider's issuer), then the RP's (the site's redirect URIs).
  const listening = await listenOnFreePort();
  const errors: Error[] = [];
  const server = createServer(authJsApp(listening.url, errors));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  rp = { url, server, errors };
  gateway = await startGateway({
    listening,
    config: {
      sites: {
        authjs: {
          name: 'Auth.js app',
          origins: [url],
          redirectUris: Object.keys(providers).map((id) => `${url}/auth/callback/${id}`),
          secret,
        },
      },
    },
  });
});
after(async () => {
  rp?.server.closeAllConnections();
  await new Promise((resolve) => (rp ? rp.server.close(resolve) : resolve(undefined)));
  await gateway?.close();
});

/** An Auth.js error with its causes (CallbackRouteError wraps the library's error in `cause.err`). */
function explain(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (current instanceof Error) {
      parts.push(`${current.name}: ${current.message}`);
      current = current.cause;
    } else if (typeof current === 'object' && 'err' in current) current = current.err;
    // Anything else is a response body (with tokens in it): not for the test output.
    else break;
  }
  return parts.join(' ← ');
}

async function json(browser: Browser, path: string): Promise<Record<string, unknown>> {
  const { response, body } = await browser.request(new URL(path, rp.url));
  assert.equal(response.status, 200, body);
  return JSON.parse(body) as Record<string, unknown>;
}

/**
 * A reader signs in at the Auth.js app with provider `id`, as Auth.js's own sign-in page does: the CSRF
 * token from /auth/csrf posted to /auth/signin/<id>, then Byline's pages, then Auth.js's callback.
 * Returns the authorization request Auth.js sent and where its callback sent the reader.
 */
async function signIn(id: ProviderId, browser: Browser) {
  const { csrfToken } = await json(browser, '/auth/csrf');
  assert.equal(typeof csrfToken, 'string');
  const landing = `${rp.url}/account`;
  const toCallback = (location: string) => location.startsWith(`${rp.url}/auth/callback/${id}`);
  let authorization: URL | undefined;
  const start = await browser.follow(
    new URL(`/auth/signin/${id}`, rp.url),
    {
      method: 'POST',
      body: new URLSearchParams({ csrfToken: csrfToken as string, callbackUrl: landing }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    },
    (location) => {
      if (location.startsWith(`${gateway.url}/authorize`)) authorization = new URL(location);
      return toCallback(location);
    },
  );
  assert.ok(authorization, `Auth.js sends the reader to Byline: ${start.hops.join(' → ')}`);
  const callback = await continueDevLogin(browser, start, toCallback);
  const done = await browser.follow(callback, {}, (location) => !location.startsWith(`${rp.url}/auth/`));
  const problems = rp.errors.splice(0).map(explain);
  // Where the reader ended: the landing page, or Auth.js's error page (/auth/error?error=…).
  return { authorization, callback: new URL(callback), landed: done.location ?? done.url, problems };
}

describe('Auth.js (@auth/express) with an OIDC provider at Byline', () => {
  test("with Auth.js's default checks (PKCE, no state), sign-in completes and the session has the reader's name and email", async () => {
    const browser = new Browser();
    const { authorization, callback, landed, problems } = await signIn('byline', browser);
    // What makes this the default: PKCE, and neither state nor nonce.
    assert.equal(authorization.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(authorization.searchParams.get('state'), null);
    assert.equal(authorization.searchParams.get('nonce'), null);
    assert.equal(authorization.searchParams.get('scope'), 'openid profile email');
    assert.ok(callback.searchParams.get('code'), `Byline answered the callback with ${callback.search}`);
    assert.equal(landed, `${rp.url}/account`, `Auth.js's errors: ${problems.join('; ')}`);
    const session = await json(browser, '/auth/session');
    assert.deepEqual(session.user, { name: ada.name, email: ada.email });
  });

  test("with checks ['pkce', 'state', 'nonce'], sign-in completes and the session has the reader's name and email", async () => {
    const browser = new Browser();
    const { authorization, callback, landed, problems } = await signIn('byline-checks', browser);
    const state = authorization.searchParams.get('state');
    assert.ok(state, 'Auth.js sends state');
    assert.ok(authorization.searchParams.get('nonce'), 'Auth.js sends a nonce');
    assert.equal(authorization.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(callback.searchParams.get('state'), state, 'Byline returns the state');
    assert.equal(callback.searchParams.get('iss'), gateway.url);
    assert.equal(landed, `${rp.url}/account`, `Auth.js's errors: ${problems.join('; ')}`);
    const session = await json(browser, '/auth/session');
    assert.deepEqual(session.user, { name: ada.name, email: ada.email });
  });

  test('without a sign-in, Auth.js has no session for the reader', async () => {
    // The session assertions above are only worth something if a fresh browser has none.
    const { response, body } = await new Browser().request(new URL('/auth/session', rp.url));
    assert.equal(response.status, 200);
    assert.equal(JSON.parse(body), null);
  });
});
