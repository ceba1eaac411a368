// The upstream callback (RFC 9700 §4.7, OpenID RP certification): state bound to one transaction,
// one browser and one provider, single use, short-lived; ID tokens checked in full. A refused callback
// never reaches the site with a code and starts no session.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { Browser } from '../support/browser.js';
import { type FacebookDouble, startFacebookDouble } from '../support/facebook-double.js';
import { authorizeUrl, siteParams } from '../support/flow.js';
import { listenOnFreePort } from '../support/gateway.js';
import {
  type IdTokenSpec,
  type OidcDouble,
  oidcProviderConfig,
  startOidcDouble,
} from '../support/oidc-double.js';
import { pkce } from '../support/pkce.js';
import {
  assertErrorPage,
  assertStoreUnchanged,
  type ObservedGateway,
  send,
  startObservedGateway,
} from '../support/security.js';
import { changedKeys, type StoreSnapshot } from '../support/store-snapshot.js';
import { startWordPressDouble, type WordPressDouble } from '../support/wordpress-double.js';

let gateway: ObservedGateway;
let oidc: OidcDouble;
let wp: WordPressDouble;
let fb: FacebookDouble;

before(async () => {
  [oidc, wp, fb] = await Promise.all([startOidcDouble(), startWordPressDouble(), startFacebookDouble()]);
  const listening = await listenOnFreePort();
  oidc.register(`${listening.url}/auth/acme/callback`);
  wp.register(`${listening.url}/auth/wordpress/callback`);
  fb.register(`${listening.url}/auth/facebook/callback`);
  gateway = await startObservedGateway({
    listening,
    config: {
      providers: {
        acme: oidcProviderConfig(oidc),
        wordpress: { clientId: wp.clientId, clientSecret: wp.clientSecret, endpoints: wp.endpoints },
        facebook: {
          clientId: fb.appId,
          clientSecret: fb.appSecret,
          graphApiVersion: fb.version,
          endpoints: fb.endpoints,
        },
      },
      rateLimits: { authorize: { points: 100_000, window: '1m' } },
    },
  });
});
after(async () => {
  await gateway.close();
  await Promise.all([oidc.close(), wp.close(), fb.close()]);
});
beforeEach(() => oidc.reset());

const toSite = (location: string) => location.startsWith('https://blog.example');

/** Starts a login at `idp` and stops where the provider sends the reader back to Byline. */
async function startLogin(idp: string, browser = new Browser(), mode?: 'web_message') {
  const { challenge } = pkce();
  const params = mode
    ? { idp, responseMode: mode, redirectUri: 'https://blog.example' }
    : ({ idp } as { idp: string });
  const hop = await browser.follow(authorizeUrl(gateway, challenge, params), {}, (location) =>
    location.startsWith(`${gateway.url}/auth/${idp}/callback`),
  );
  assert.ok(hop.location, `the login did not come back from ${idp}: ${hop.response.status}`);
  const callback = new URL(hop.location);
  return { browser, callback, state: callback.searchParams.get('state') as string };
}

/** Session, code and token keys: what a refused login must never create. */
const issued = /^(login|logins):/;

function assertNothingIssued(before: StoreSnapshot, after: StoreSnapshot) {
  // Keys that now hold something they did not hold before (expired ones vanishing are no concern).
  const created = changedKeys(before, after).filter((key) => issued.test(key) && after.has(key));
  assert.deepEqual(created, [], 'a refused login created sessions or codes');
}

async function assertRefusedCallback(answer: Awaited<ReturnType<typeof send>>) {
  assertErrorPage(answer);
  assert.doesNotMatch(answer.body, /blog\.example/, 'the site is not told anything');
}

describe('state at the upstream callback', () => {
  test('a correct login works (the harness is sound)', async () => {
    const { browser, callback } = await startLogin('acme');
    const done = await browser.follow(callback, {}, toSite);
    assert.ok(siteParams(done.location).get('code'));
  });

  const forged: [string, string][] = [
    ['no state at all', '?code=abc'],
    ['no parameters', ''],
    ['a forged state', '?state=forged-state&code=abc'],
    ['an array-typed state (state[]=)', '?state[]=forged&code=abc'],
    ['a repeated state', '?state=a&state=b&code=abc'],
    ['an overlong state', `?state=${'x'.repeat(5000)}&code=abc`],
    ['markup in state and error', '?state=<script>alert(1)</script>&error=<img src=x onerror=alert(1)>'],
  ];
  for (const [name, query] of forged) {
    test(`${name} is a 400 page and changes nothing`, async () => {
      const before = await gateway.store.snapshot();
      const answer = await send(`${gateway.url}/auth/acme/callback${query}`);
      await assertRefusedCallback(answer);
      assert.doesNotMatch(answer.body, /<script>alert|<img src=x/);
      await assertStoreUnchanged(gateway.store, before);
    });
  }

  test('a real state sent as state[]= or repeated is refused, and the reader can still finish', async () => {
    const { browser, callback, state } = await startLogin('acme');
    const code = callback.searchParams.get('code') as string;
    for (const query of [`state[]=${state}&code=${code}`, `state=${state}&state=${state}&code=${code}`]) {
      const answer = await browser.request(`${gateway.url}/auth/acme/callback?${query}`);
      assert.equal(answer.response.status, 400, query);
      assert.equal(answer.response.headers.get('location'), null);
    }
    const done = await browser.follow(callback, {}, toSite);
    assert.ok(siteParams(done.location).get('code'));
  });

  test('a replayed callback is a 400 page once the login finished', async () => {
    const { browser, callback } = await startLogin('acme');
    const done = await browser.follow(callback, {}, toSite);
    assert.ok(siteParams(done.location).get('code'));
    const before = await gateway.store.snapshot();
    const replay = await browser.request(callback);
    assert.equal(replay.response.status, 400);
    assert.equal(replay.response.headers.get('location'), null);
    await assertStoreUnchanged(gateway.store, before);
  });

  test('an expired transaction (over 10 minutes) is a 400 page', async () => {
    const { browser, callback } = await startLogin('acme');
    const before = await gateway.store.snapshot();
    gateway.clock.advance(10 * 60_000 + 1000);
    try {
      const late = await browser.request(callback);
      assert.equal(late.response.status, 400);
      assert.equal(late.response.headers.get('location'), null);
      assertNothingIssued(before, await gateway.store.snapshot());
    } finally {
      gateway.clock.advance(-(10 * 60_000 + 1000));
    }
  });

  test('a callback in another browser is refused and burns the transaction', async () => {
    const { browser, callback } = await startLogin('acme');
    const before = await gateway.store.snapshot();
    const thief = await new Browser().request(callback);
    assert.equal(thief.response.status, 400);
    assert.equal(thief.response.headers.get('location'), null);
    const owner = await browser.request(callback);
    assert.equal(owner.response.status, 400, 'burned by the failed attempt');
    assertNothingIssued(before, await gateway.store.snapshot());
  });

  test('a callback without the transaction cookie is refused', async () => {
    const { callback } = await startLogin('acme');
    const answer = await send(callback);
    assertErrorPage(answer);
  });

  test('the store keeps only a mark under the state; the transaction travels sealed in the browser', async () => {
    const { browser, state } = await startLogin('acme');
    assert.equal(await gateway.store.get(`tx:${state}`), 'acme');
    const sealed = [...browser.cookies.values()].filter((c) => c.name.startsWith('byline_login_'));
    assert.equal(sealed.length, 1);
    // `<when it was issued, base 36>.<sealed transaction>`
    const [issued, value = ''] = (sealed[0]?.value ?? '').split('.');
    assert.match(issued as string, /^[0-9a-z]+$/);
    assert.match(value, /^[A-Za-z0-9_-]+$/);
    assert.doesNotMatch(
      Buffer.from(value, 'base64url').toString('latin1'),
      /blog\.example|acme|code_verifier/,
    );
  });

  test('an altered transaction cookie, or one moved to another login, is refused and burns it', async () => {
    const first = await startLogin('acme');
    const second = await startLogin('acme', first.browser);
    const sealed = [...first.browser.cookies.values()].filter((c) => c.name.startsWith('byline_login_'));
    assert.equal(sealed.length, 2, 'one cookie per login in progress');
    // Swap the two sealed halves: each now sits under the other login's name.
    const [a, b] = sealed as [(typeof sealed)[0], (typeof sealed)[0]];
    [a.value, b.value] = [b.value, a.value];
    const before = await gateway.store.snapshot();
    for (const callback of [first.callback, second.callback]) {
      const answer = await first.browser.request(callback);
      assert.equal(answer.response.status, 400);
      assert.match(answer.body, /started somewhere else/);
    }
    assert.equal(await gateway.store.get(`tx:${first.state}`), undefined, 'burned');
    assertNothingIssued(before, await gateway.store.snapshot());
  });

  const crossProvider: [string, string, string][] = [
    ['a WordPress.com transaction at the Facebook callback', 'wordpress', 'facebook'],
    ['a Facebook transaction at the WordPress.com callback', 'facebook', 'wordpress'],
    ['an OIDC transaction at the WordPress.com callback', 'acme', 'wordpress'],
    ['a WordPress.com transaction at the OIDC callback', 'wordpress', 'acme'],
  ];
  for (const [name, from, to] of crossProvider) {
    test(`${name} is refused and burns the transaction`, async () => {
      const { browser, callback } = await startLogin(from);
      const before = await gateway.store.snapshot();
      const moved = new URL(callback);
      moved.pathname = `/auth/${to}/callback`;
      const wrong = await browser.request(moved);
      assert.equal(wrong.response.status, 400);
      assert.equal(wrong.response.headers.get('location'), null);
      const original = await browser.request(callback);
      assert.equal(original.response.status, 400, 'burned');
      assertNothingIssued(before, await gateway.store.snapshot());
    });
  }
});

describe('what the provider says at the callback', () => {
  test('code and error together: the error wins, as server_error, with no code', async () => {
    const { browser, callback, state } = await startLogin('acme');
    const before = await gateway.store.snapshot();
    const answer = await browser.request(
      `${gateway.url}/auth/acme/callback?state=${state}&code=${callback.searchParams.get('code')}&error=access_denied`,
    );
    assert.equal(answer.response.status, 302);
    const params = siteParams(answer.response.headers.get('location') ?? undefined);
    assert.equal(params.get('code'), null);
    assert.equal(params.get('error'), 'server_error');
    assert.equal(params.get('state'), 'state-123');
    assertNothingIssued(before, await gateway.store.snapshot());
  });

  const markup = '<script>alert(document.cookie)</script><img src=x onerror=alert(1)>';
  for (const mode of ['query', 'web_message'] as const) {
    test(`markup in error and error_description is never reflected (${mode} mode)`, async () => {
      const { browser, state } = await startLogin('acme', new Browser(), mode === 'query' ? undefined : mode);
      const query = new URLSearchParams({ state, error: 'access_denied', error_description: markup });
      const answer = await browser.request(`${gateway.url}/auth/acme/callback?${query}`);
      assert.doesNotMatch(answer.body, /<script>alert|<img src=x|onerror=/);
      const location = answer.response.headers.get('location');
      if (mode === 'query') {
        const params = siteParams(location ?? undefined);
        assert.equal(params.get('error'), 'access_denied');
        assert.doesNotMatch(params.get('error_description') ?? '', /</);
      } else {
        assert.equal(answer.response.status, 200);
        assert.match(answer.body, /"error":"access_denied"/);
      }
    });
  }

  test('an unknown error code from the provider reaches the site as server_error, not verbatim', async () => {
    const { browser, state } = await startLogin('acme');
    const answer = await browser.request(
      `${gateway.url}/auth/acme/callback?state=${state}&error=${encodeURIComponent('"><svg onload=alert(1)>')}`,
    );
    const params = siteParams(answer.response.headers.get('location') ?? undefined);
    assert.equal(params.get('error'), 'server_error');
  });
});

describe('ID token defects at an OIDC provider: the login fails, nothing is issued', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const defects: [string, () => IdTokenSpec, { userinfoSub?: string }?][] = [
    ['a bad signature', () => ({ corruptSignature: true })],
    ['the right kid with the wrong key', () => ({ unpublishedKey: true })],
    ['an unknown kid', () => ({ header: { kid: 'no-such-key' } })],
    ['a hostile kid', () => ({ header: { kid: '../../../../etc/passwd' } })],
    ['alg: none', () => ({ header: { alg: 'none', kid: undefined } })],
    ['alg: None', () => ({ header: { alg: 'None', kid: undefined } })],
    ['HS256 keyed with the client secret', () => ({ header: { alg: 'HS256', kid: undefined } })],
    [
      'an embedded jwk with the attacker’s key',
      () => ({ unpublishedKey: true, header: { jwk: { kty: 'EC' } } }),
    ],
    ['a wrong iss', () => ({ claims: { iss: 'https://evil.example' } })],
    ['a wrong aud', () => ({ claims: { aud: 'someone-else' } })],
    ['an extra untrusted aud without azp', () => ({ claims: { aud: ['double-client', 'someone-else'] } })],
    ['no iat', () => ({ claims: { iat: undefined } })],
    ['no sub', () => ({ claims: { sub: undefined } })],
    ['no exp', () => ({ claims: { exp: undefined } })],
    ['an exp 10 minutes ago', () => ({ claims: { exp: now() - 600, iat: now() - 900 } })],
    ['an nbf 10 minutes ahead', () => ({ claims: { nbf: now() + 600 } })],
    ['a nonce from another login', () => ({ claims: { nonce: 'not-the-nonce-we-sent' } })],
    ['no nonce', () => ({ claims: { nonce: undefined } })],
    ['a garbage token', () => ({ raw: 'not.a.jwt' })],
    ['a 5-part JWE', () => ({ raw: 'a.b.c.d.e' })],
    ['a userinfo sub that differs from the ID token', () => ({}), { userinfoSub: 'someone-else' }],
  ];
  for (const [name, spec, extra] of defects) {
    test(`${name} → server_error at the site`, async () => {
      oidc.idToken = spec();
      if (extra?.userinfoSub) oidc.userinfoSub = extra.userinfoSub;
      const before = await gateway.store.snapshot();
      const { browser, callback } = await startLogin('acme');
      const done = await browser.follow(callback, {}, toSite);
      const params = siteParams(done.location);
      assert.equal(params.get('code'), null);
      assert.equal(params.get('error'), 'server_error');
      assert.equal(params.get('state'), 'state-123');
      assert.equal(params.get('iss'), gateway.url);
      assertNothingIssued(before, await gateway.store.snapshot());
      assert.equal(browser.cookie('byline_session'), undefined, 'no Byline session');
    });
  }
});
