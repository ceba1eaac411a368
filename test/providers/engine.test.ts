import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { LoginRecord } from '../../src/oauth/login/records.js';
import { storeKeys } from '../../src/oauth/login/store-keys.js';
import type { ProviderDescription } from '../../src/providers/description.js';
import { describedProvider } from '../../src/providers/engine.js';
import { identityFromProfile } from '../../src/providers/presets/oauth2.js';
import { Browser } from '../support/browser.js';
import { assertSiteError, authorizeUrl, loginCommenter, providerLogin, siteParams } from '../support/flow.js';
import { postedForm } from '../support/form-post.js';
import { listenOnFreePort, startGateway, type TestGateway } from '../support/gateway.js';
import { type OAuth2Double, startOAuth2Double } from '../support/oauth2-double.js';
import { type OidcDouble, oidcProviderConfig, startOidcDouble } from '../support/oidc-double.js';
import { pkce } from '../support/pkce.js';
import { testProviderContext } from '../support/provider-context.js';
import { startGatewayFor } from '../support/provider-gateway.js';

/** The login record a browser session names. */
async function storedLogin(gateway: TestGateway, browser: Browser) {
  const loginId = browser.cookie('byline_session')?.split('.')[0] ?? '';
  return gateway.store.get<LoginRecord>(storeKeys.login(loginId));
}

describe('the engine runs a description', () => {
  let double: OAuth2Double;
  let gateway: TestGateway;
  let minted = 0;
  before(async () => {
    double = await startOAuth2Double();
    const listening = await listenOnFreePort();
    double.register(
      ...['posted', 'forge', 'off-loopback'].map((id) => `${listening.url}/auth/${id}/callback`),
    );
    gateway = await startGateway({
      listening,
      config: {
        providers: {
          forge: {
            type: 'oauth2',
            name: 'Forge',
            clientId: double.clientId,
            clientSecret: double.clientSecret,
            endpoints: double.endpoints,
            profile: { id: 'id', name: 'name' },
          },
        },
      },
    });
    const ctx = testProviderContext(gateway);
    const base: Omit<ProviderDescription, 'id' | 'profile'> = {
      type: 'test',
      name: 'Posted',
      icon: ctx.iconUrl(undefined, '/static/icons/oauth2.svg'),
      server: { issuer: double.url, endpoints: double.endpoints },
      clientId: double.clientId,
      clientAuth: { method: 'client_secret_basic', secret: double.clientSecret },
      scopes: ['read:user'],
    };
    // The registry builds providers from config; a description no config type makes yet (Apple's
    // form_post) joins the gateway's providers the way createProviders adds one.
    gateway.ctx.providers.set(
      'posted',
      describedProvider(
        {
          ...base,
          id: 'posted',
          responseMode: 'form_post',
          clientAuth: {
            method: 'client_secret_post',
            secret: async () => {
              minted++;
              return double.clientSecret;
            },
          },
          authorizationParams: { allow_signup: 'false', state: 'chosen-by-the-description' },
          forceLoginParams: { prompt: 'login' },
          profile: async ({ provider, fetchJson, fetchJsonArray, params }) => {
            assert.ok(params.get('code'), 'the profile step sees the callback parameters');
            const me = await fetchJson(undefined, { 'x-api-version': '2022-11-28' });
            const emails = await fetchJsonArray(`${double.url}/user/emails`);
            const primary = emails.find((entry) => (entry as { primary?: unknown }).primary === true);
            return identityFromProfile(
              provider,
              { ...me, primary },
              {
                id: 'id',
                name: 'name',
                username: 'login',
                email: 'primary.email',
                emailVerified: 'primary.verified',
              },
            );
          },
        },
        ctx,
      ),
    );
    gateway.ctx.providers.set(
      'off-loopback',
      describedProvider(
        {
          ...base,
          id: 'off-loopback',
          profile: async ({ provider, fetchJson }) =>
            identityFromProfile(provider, await fetchJson('http://forge.example/user'), { id: 'id' }),
        },
        ctx,
      ),
    );
  });
  after(async () => {
    await gateway.close();
    await double.close();
  });
  beforeEach(() => {
    double.reset();
    double.clientAuth = 'client_secret_post';
  });

  /** A login at `posted` up to its callback: the form the double answered with, posted by the browser. */
  async function formPostLogin(params: { prompt?: string } = {}) {
    const login = await providerLogin(gateway, 'posted', { params });
    assert.equal(login.hop.response.status, 200, 'the provider answers with a form, not a redirect');
    const { action, fields } = postedForm(login.hop.body);
    assert.equal(action, `${gateway.url}/auth/posted/callback`);
    const answer = await login.browser.request(action, {
      method: 'POST',
      body: new URLSearchParams(fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    return { ...login, answer, location: answer.response.headers.get('location') ?? undefined };
  }

  test('response_mode=form_post: the provider posts its answer to the callback, which completes the login', async () => {
    minted = 0;
    const login = await formPostLogin();
    assert.equal(login.answer.response.status, 302);
    const commenter = await loginCommenter(gateway, login);
    assert.equal(commenter.sub, 'posted:583231');
    assert.equal(commenter.name, 'The Octocat');
    assert.equal(commenter.email, 'octocat@github.com', 'read from a JSON array (fetchJsonArray)');
    assert.equal(commenter.emailVerified, true);
    const authorize = double.to('/login/oauth/authorize')[0];
    assert.equal(authorize?.params.get('response_mode'), 'form_post');
    assert.equal(authorize?.params.get('allow_signup'), 'false');
    assert.notEqual(
      authorize?.params.get('state'),
      'chosen-by-the-description',
      'state is always the engine’s',
    );
    assert.equal(authorize?.params.get('prompt'), null, 'forceLoginParams only for a fresh login');
    assert.equal(minted, 1, 'the computed secret is asked for at the token request');
    assert.equal(double.to('/login/oauth/access_token')[0]?.params.get('client_secret'), double.clientSecret);
    assert.equal(double.to('/user')[0]?.headers['x-api-version'], '2022-11-28');
    assert.equal((await storedLogin(gateway, login.browser))?.identity.username, 'octocat');
  });

  test('a site asking for a fresh login (prompt=login) gets the description’s forceLoginParams', async () => {
    await formPostLogin({ prompt: 'login' });
    assert.equal(double.to('/login/oauth/authorize')[0]?.params.get('prompt'), 'login');
  });

  test('an `iss` other than the described issuer is refused (RFC 9207): server_error', async () => {
    double.iss = 'https://elsewhere.example';
    assertSiteError((await formPostLogin()).location, 'server_error');
    assert.equal(double.to('/login/oauth/access_token').length, 0, 'the code is never redeemed');
    double.iss = double.url;
    assert.ok(siteParams((await formPostLogin()).location).get('code'), 'the described issuer is accepted');
  });

  test('a provider without an issuer ignores `iss`: it has nothing to check it against', async () => {
    double.clientAuth = 'client_secret_basic';
    double.iss = 'https://anything.example';
    assert.ok(siteParams((await providerLogin(gateway, 'forge')).location).get('code'));
  });

  test('a provider answering by redirect refuses a posted callback, and the reader can still finish', async () => {
    double.clientAuth = 'client_secret_basic';
    const browser = new Browser();
    const callback = `${gateway.url}/auth/forge/callback`;
    const hop = await browser.follow(authorizeUrl(gateway, pkce().challenge, { idp: 'forge' }), {}, (to) =>
      to.startsWith(callback),
    );
    const back = new URL(hop.location ?? '');
    const posted = await browser.request(callback, {
      method: 'POST',
      body: back.searchParams.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(posted.response.status, 400);
    assert.equal(posted.response.headers.get('location'), null);
    const done = await browser.follow(back, {}, (to) => to.startsWith('https://blog.example/callback'));
    assert.ok(siteParams(done.location).get('code'));
  });

  test('a profile URL off loopback over plain http is refused before any request: server_error', async () => {
    double.clientAuth = 'client_secret_basic';
    const { location } = await providerLogin(gateway, 'off-loopback');
    assertSiteError(location, 'server_error');
    assert.equal(double.to('/user').length, 0);
  });
});

describe('the engine with an OpenID provider', () => {
  let idp: OidcDouble;
  let gateway: TestGateway;
  before(async () => {
    idp = await startOidcDouble();
    gateway = await startGatewayFor(idp, { acme: oidcProviderConfig(idp) });
  });
  after(async () => {
    await gateway.close();
    await idp.close();
  });
  beforeEach(() => idp.reset());

  test('a discovery that failed is tried again by the next login', async () => {
    idp.faults.discovery = 'error';
    assertSiteError((await providerLogin(gateway, 'acme')).location, 'temporarily_unavailable');
    idp.reset();
    assert.ok(siteParams((await providerLogin(gateway, 'acme')).location).get('code'));
  });

  test('the identity carries preferred_username and the ID token’s auth_time (ms)', async () => {
    const authTime = Math.floor(Date.now() / 1000) - 30;
    idp.idToken = { claims: { preferred_username: 'dbl', auth_time: authTime } };
    const login = await providerLogin(gateway, 'acme');
    assert.ok(siteParams(login.location).get('code'));
    const stored = await storedLogin(gateway, login.browser);
    assert.equal(stored?.identity.username, 'dbl');
    assert.equal(stored?.authTime, authTime * 1000, 'the login’s auth_time is the provider’s');
    assert.equal(stored?.identity.authTime, undefined, 'kept once, not again in the identity');
  });
});
