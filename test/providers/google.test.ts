import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { assertSiteError, loginCommenter, providerLogin } from '../support/flow.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { type GoogleDouble, startGoogleDouble } from '../support/google-double.js';
import { doubleBlock, startGatewayFor } from '../support/provider-gateway.js';
import { routedFetch } from '../support/routed-fetch.js';

describe('Google login', () => {
  let google: GoogleDouble;
  let gateway: TestGateway;
  before(async () => {
    google = await startGoogleDouble();
    // Google's hosts lead to the double; the config is the app's credentials and the double's URLs.
    gateway = await startGatewayFor(
      google,
      { google: doubleBlock(google) },
      { fetch: routedFetch(google.routes) },
    );
  });
  after(async () => {
    await gateway.close();
    await google.close();
  });
  beforeEach(() => google.reset());

  test('a reader logs in with an ID token whose iss is the legacy accounts.google.com', async () => {
    const commenter = await loginCommenter(gateway, await providerLogin(gateway, 'google'));
    assert.equal(commenter.sub, 'google:110169484474386276334');
    assert.equal(commenter.idp, 'google');
    assert.equal(commenter.name, 'Ada Lovelace');
    assert.equal(commenter.email, 'ada@gmail.com');
    assert.equal(commenter.emailVerified, true);
    assert.equal(commenter.picture, 'https://lh3.googleusercontent.com/a/ACg8ocAda=s96-c');
  });

  test('and with the modern https://accounts.google.com', async () => {
    google.idToken = { claims: { iss: 'https://accounts.google.com' } };
    const commenter = await loginCommenter(gateway, await providerLogin(gateway, 'google'));
    assert.equal(commenter.sub, 'google:110169484474386276334');
  });

  test('Byline discovers Google at accounts.google.com, asks for openid email profile with a nonce and S256, and posts the secret', async () => {
    await providerLogin(gateway, 'google');
    // The key set is fetched once and cached, so by the first login only.
    assert.deepEqual(
      google.requests.filter((r) => r.path !== '/oauth2/v3/certs').map((r) => `${r.method} ${r.path}`),
      ['GET /o/oauth2/v2/auth', 'POST /token', 'GET /v1/userinfo'],
    );
    const authorize = google.requests.find((r) => r.path === '/o/oauth2/v2/auth');
    assert.equal(authorize?.params.get('scope'), 'openid email profile');
    assert.equal(authorize?.params.get('client_id'), google.clientId);
    assert.equal(authorize?.params.get('redirect_uri'), `${gateway.url}/auth/google/callback`);
    assert.ok(authorize?.params.get('nonce'));
    assert.ok(authorize?.params.get('state'));
    assert.equal(authorize?.params.get('code_challenge_method'), 'S256');
    const token = google.requests.find((r) => r.path === '/token');
    assert.equal(token?.params.get('client_secret'), google.clientSecret);
    assert.equal(token?.headers.authorization, undefined);
  });

  test('with no endpoints set, Byline discovers Google at accounts.google.com; a fresh login is select_account', async () => {
    const plain = await startGateway({
      fetch: routedFetch(google.routes),
      config: { providers: { google: { clientId: google.clientId, clientSecret: google.clientSecret } } },
    });
    try {
      const start = await plain.ctx.providers.get('google')?.start({ forceLogin: true });
      assert.ok(start && 'url' in start);
      const url = new URL(start.url);
      assert.equal(url.origin + url.pathname, 'https://accounts.google.com/o/oauth2/v2/auth');
      assert.equal(url.searchParams.get('prompt'), 'select_account', 'Google has no prompt=login');
      assert.deepEqual(
        google.requests.map((r) => `${r.method} ${r.path}`),
        ['GET /.well-known/openid-configuration'],
      );
    } finally {
      await plain.close();
    }
  });

  for (const [what, idToken] of [
    ['an iss that is neither of Google’s', { claims: { iss: 'accounts.google.com.evil.example' } }],
    ['the legacy iss, signed by a key Google does not publish', { unpublishedKey: true }],
    [
      'the legacy iss with another client’s audience',
      { claims: { aud: 'someone-else.apps.googleusercontent.com' } },
    ],
    ['the legacy iss with another login’s nonce', { claims: { nonce: 'not-the-one-sent' } }],
    ['the legacy iss, expired', { claims: { exp: Math.floor(Date.now() / 1000) - 3600 } }],
  ] as const) {
    test(`an ID token with ${what} ends the login with server_error`, async () => {
      google.idToken = idToken;
      const { location } = await providerLogin(gateway, 'google');
      assertSiteError(location, 'server_error', { iss: gateway.url });
    });
  }

  test('an unverified address is not verified in the token; hd (a Workspace domain) changes nothing', async () => {
    google.idToken = { claims: { email_verified: false, hd: 'example.com' } };
    const commenter = await loginCommenter(gateway, await providerLogin(gateway, 'google'));
    assert.equal(commenter.email, 'ada@gmail.com');
    assert.equal(commenter.emailVerified, false);
  });

  test('a reader who refuses at Google sends the site access_denied with its state', async () => {
    google.deny = true;
    const { location } = await providerLogin(gateway, 'google');
    assertSiteError(location, 'access_denied', { iss: gateway.url });
    assert.equal(google.requests.filter((r) => r.path === '/token').length, 0);
  });

  test('a token endpoint that refuses the code (invalid_grant) ends the login with server_error', async () => {
    google.faults = { token: 'error' };
    const { location } = await providerLogin(gateway, 'google');
    assertSiteError(location, 'server_error', { iss: gateway.url });
  });
});
