// Provider faults (RFC 9700 §4.2 availability; OWASP ASVS V11): a provider that hangs, refuses
// connections or answers garbage ends that one login with an error for the site, within
// http.upstreamTimeout, and issues nothing — while the JWKS and /userinfo keep answering. "Fast" is
// asserted by the order of events, never by wall-clock thresholds. WordPress.com and Facebook
// timeouts: test/providers/wordpress.test.ts and facebook.test.ts ("… never answers …").
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { assertSiteError, providerLogin, siteParams } from '../support/flow.js';
import { listenOnFreePort } from '../support/gateway.js';
import { type DoubleEndpoint, type Fault, type OidcDouble, startOidcDouble } from '../support/oidc-double.js';
import { type ObservedGateway, postForm, startObservedGateway } from '../support/security.js';
import { changedKeys } from '../support/store-snapshot.js';

let gateway: ObservedGateway;
let idp: OidcDouble;
let refusedPort: string;
let guestToken: string;

/** Provider ids not used before their test, so discovery (lazy) and the JWKS (cached) are still to come. */
const fresh = ['fresh-hang', 'fresh-jwks', 'fresh-html', 'fresh-error', 'fresh-jwks-html'] as const;

before(async () => {
  idp = await startOidcDouble();
  const closed = await listenOnFreePort();
  refusedPort = new URL(closed.url).port;
  await new Promise((resolve) => closed.server.close(resolve));
  const listening = await listenOnFreePort();
  const oidc = (id: string, extra: Record<string, unknown> = {}) => ({
    type: 'oidc',
    name: id,
    issuer: idp.issuer,
    clientId: idp.clientId,
    clientSecret: idp.clientSecret,
    ...extra,
  });
  const providers: Record<string, unknown> = {
    acme: oidc('acme'),
    down: oidc('down', { issuer: `http://127.0.0.1:${refusedPort}` }),
    'token-down': oidc('token-down', { endpoints: { token: `http://127.0.0.1:${refusedPort}/token` } }),
  };
  for (const id of fresh) providers[id] = oidc(id);
  // Every provider shares one double, which knows one redirect URI at a time.
  idp.register(`${listening.url}/auth/acme/callback`);
  gateway = await startObservedGateway({
    listening,
    config: {
      http: { upstreamTimeout: '1s' },
      providers,
      rateLimits: { authorize: { points: 100_000, window: '1m' } },
    },
  });
  const guest = await postForm(
    `${gateway.url}/guest`,
    { client_id: 'blog', name: 'Bystander', email: 'bystander@example.com' },
    { origin: 'https://blog.example' },
  );
  guestToken = (JSON.parse(guest.body) as { access_token: string }).access_token;
});
after(async () => {
  await gateway.close();
  await idp.close();
});
beforeEach(() => idp.reset());

const issued = /^(login|logins):/;

/** A login through provider `idpId` (the double), and the login records it stored. */
async function watchedLogin(idpId: string) {
  idp.register(`${gateway.url}/auth/${idpId}/callback`);
  const before = await gateway.store.snapshot();
  const { location } = await providerLogin(gateway, idpId);
  const after = await gateway.store.snapshot();
  const created = changedKeys(before, after).filter((k) => issued.test(k) && after.has(k));
  return { location, params: siteParams(location), created };
}

function assertFailedLogin(result: Awaited<ReturnType<typeof watchedLogin>>, error: string) {
  assertSiteError(result.location, error);
  assert.deepEqual(result.created, [], 'nothing was issued');
}

async function bystanders(): Promise<[number, number]> {
  const [jwks, userinfo] = await Promise.all([
    fetch(`${gateway.url}/.well-known/jwks.json`),
    fetch(`${gateway.url}/userinfo`, { headers: { authorization: `Bearer ${guestToken}` } }),
  ]);
  return [jwks.status, userinfo.status];
}

describe('a provider that never answers', () => {
  const hangs: [DoubleEndpoint, string][] = [
    ['token', 'acme'],
    ['userinfo', 'acme'],
    ['jwks', 'fresh-jwks'],
    ['discovery', 'fresh-hang'],
  ];
  for (const [endpoint, provider] of hangs) {
    test(`${endpoint} hangs: JWKS and /userinfo answer meanwhile; the login ends temporarily_unavailable`, async () => {
      idp.faults[endpoint] = 'hang';
      const events: string[] = [];
      const held = idp.whenHeld(endpoint).then(() => events.push(`${endpoint} held`));
      const ended = watchedLogin(provider).then((result) => {
        events.push('login ended');
        return result;
      });
      await Promise.race([
        held,
        ended.then(() => assert.fail(`the login ended without ${endpoint} being held`)),
      ]);
      const [jwks, userinfo] = await bystanders();
      events.push(`jwks ${jwks}`, `userinfo ${userinfo}`);
      const result = await ended;
      // Byline gave up on its own (http.upstreamTimeout): the double never let go.
      assert.deepEqual(events, [`${endpoint} held`, 'jwks 200', 'userinfo 200', 'login ended']);
      assertFailedLogin(result, 'temporarily_unavailable');
      idp.release();
    });
  }
});

describe('a provider that cannot be reached', () => {
  test('connection refused at discovery → temporarily_unavailable', async () => {
    assertFailedLogin(await watchedLogin('down'), 'temporarily_unavailable');
  });

  test('connection refused at the token endpoint → temporarily_unavailable', async () => {
    assertFailedLogin(await watchedLogin('token-down'), 'temporarily_unavailable');
  });
});

describe('a provider that answers garbage', () => {
  const garbage: [DoubleEndpoint, Fault, string, string][] = [
    ['token', 'html', 'acme', 'server_error'],
    ['token', 'error', 'acme', 'server_error'],
    ['userinfo', 'html', 'acme', 'server_error'],
    ['userinfo', 'error', 'acme', 'server_error'],
    ['jwks', 'html', 'fresh-jwks-html', 'server_error'],
    ['discovery', 'html', 'fresh-html', 'temporarily_unavailable'],
    ['discovery', 'error', 'fresh-error', 'temporarily_unavailable'],
  ];
  for (const [endpoint, fault, provider, error] of garbage) {
    test(`${endpoint} answers ${fault === 'html' ? 'an HTML page' : 'a 500'} → ${error}`, async () => {
      idp.faults[endpoint] = fault;
      assertFailedLogin(await watchedLogin(provider), error);
      assert.deepEqual(await bystanders(), [200, 200]);
    });
  }

  test('after the faults the same provider logs readers in again', async () => {
    const { params, created } = await watchedLogin('acme');
    assert.ok(params.get('code'));
    assert.ok(created.length > 0);
  });
});

describe('clock skew in upstream ID tokens: 60 s tolerated (tokens.clockSkew), beyond refused', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const cases: [string, () => Record<string, unknown>, boolean][] = [
    ['exp 45 s ago', () => ({ exp: now() - 45, iat: now() - 300 }), true],
    ['exp 90 s ago', () => ({ exp: now() - 90, iat: now() - 300 }), false],
    ['nbf 45 s ahead', () => ({ nbf: now() + 45 }), true],
    ['nbf 90 s ahead', () => ({ nbf: now() + 90 }), false],
  ];
  for (const [name, claims, accepted] of cases) {
    test(`${name} is ${accepted ? 'accepted' : 'refused'}`, async () => {
      idp.idToken = { claims: claims() };
      const result = await watchedLogin('acme');
      if (accepted) assert.ok(result.params.get('code'), result.params.toString());
      else assertFailedLogin(result, 'server_error');
    });
  }
});
