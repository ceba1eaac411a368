import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { ProviderConfigOf } from '../../src/config/schema.js';
import { facebookEndpoints, identityFromGraph } from '../../src/providers/facebook.js';
import { Browser } from '../support/browser.js';
import { appSecretProof, type FacebookDouble, startFacebookDouble } from '../support/facebook-double.js';
import { assertSiteError, authorizeUrl, loginCommenter, providerLogin, siteParams } from '../support/flow.js';
import { listenOnFreePort, startGateway, type TestGateway } from '../support/gateway.js';
import { pkce } from '../support/pkce.js';

// Not the schema default, so a version that reaches the double can only have come from the config.
const version = 'v22.0';

async function facebookGateway(
  fb: FacebookDouble,
  options: { http?: Record<string, unknown>; clientSecret?: string } = {},
): Promise<TestGateway> {
  const listening = await listenOnFreePort();
  fb.register(`${listening.url}/auth/facebook/callback`);
  return startGateway({
    listening,
    config: {
      http: options.http ?? {},
      providers: {
        facebook: {
          clientId: fb.appId,
          clientSecret: options.clientSecret ?? fb.appSecret,
          graphApiVersion: version,
          endpoints: fb.endpoints,
        },
      },
    },
  });
}

describe('Facebook login', () => {
  let fb: FacebookDouble;
  let gateway: TestGateway;
  before(async () => {
    fb = await startFacebookDouble({ version });
    gateway = await facebookGateway(fb);
  });
  after(async () => {
    await gateway.close();
    await fb.close();
  });
  beforeEach(() => {
    fb.deny = false;
    fb.declineEmail = false;
    fb.graphError = false;
    fb.fail = {};
    fb.requests.length = 0;
    fb.versions.length = 0;
  });

  test('a reader logs in and the site gets a verifiable token with the mapped claims', async () => {
    const login = await providerLogin(gateway, 'facebook');
    const params = siteParams(login.location);
    assert.equal(params.get('state'), 'state-123');
    assert.equal(params.get('iss'), gateway.url);
    const commenter = await loginCommenter(gateway, login);
    assert.equal(commenter.sub, 'facebook:10229876543210987');
    assert.equal(commenter.idp, 'facebook');
    assert.equal(commenter.name, 'Grace Hopper');
    assert.equal(commenter.email, 'grace@example.com');
    assert.equal(commenter.emailVerified, false, 'Facebook does not assert email verification');
    assert.equal(commenter.picture, fb.user.pictureUrl);
    assert.equal(commenter.website, undefined);
  });

  test('every call uses the configured Graph API version, asks for email and public_profile, and proves the app secret', async () => {
    await providerLogin(gateway, 'facebook');
    assert.deepEqual(fb.versions, [version, version, version]);
    const [dialog, token, me] = fb.requests;
    assert.equal(dialog?.path, `/${version}/dialog/oauth`);
    assert.equal(dialog?.params.get('client_id'), fb.appId);
    assert.equal(dialog?.params.get('scope'), 'email,public_profile');
    assert.equal(dialog?.params.get('redirect_uri'), `${gateway.url}/auth/facebook/callback`);
    assert.ok(dialog?.params.get('state'));

    assert.equal(token?.path, `/${version}/oauth/access_token`);
    assert.equal(token?.params.get('client_secret'), fb.appSecret);

    assert.equal(me?.path, `/${version}/me`);
    assert.equal(me?.params.get('fields'), 'id,name,email,picture');
    const accessToken = me?.params.get('access_token');
    assert.ok(accessToken);
    assert.equal(me?.params.get('appsecret_proof'), appSecretProof(accessToken, fb.appSecret));
  });

  test('the double refuses Graph calls without a valid appsecret_proof, as Facebook does', async () => {
    await loginCommenter(gateway, await providerLogin(gateway, 'facebook'));
    const accessToken = fb.requests.find((r) => r.path.endsWith('/me'))?.params.get('access_token') as string;
    for (const proof of [undefined, appSecretProof(accessToken, 'not-the-secret')]) {
      const url = new URL(fb.endpoints.userinfo);
      url.searchParams.set('access_token', accessToken);
      if (proof) url.searchParams.set('appsecret_proof', proof);
      const response = await fetch(url);
      assert.equal(response.status, 400);
      const body = (await response.json()) as { error: { type: string; code: number; fbtrace_id: string } };
      assert.equal(body.error.type, 'GraphMethodException');
      assert.equal(body.error.code, 100);
    }
  });

  test('a reader who cancels the dialog sends the site access_denied with its state', async () => {
    fb.deny = true;
    const { location, hop } = await providerLogin(gateway, 'facebook');
    assert.equal(hop.response.status, 302);
    assertSiteError(location, 'access_denied', { iss: gateway.url });
    assert.equal(fb.count('oauth/access_token'), 0);
  });

  test('a reader who declines the email permission logs in without an email claim', async () => {
    fb.declineEmail = true;
    const commenter = await loginCommenter(gateway, await providerLogin(gateway, 'facebook'));
    assert.equal(commenter.sub, 'facebook:10229876543210987');
    assert.equal(commenter.email, undefined);
    assert.equal(commenter.emailVerified, false);
  });

  for (const id of [
    '10229876543210987 ',
    '1022987654321098\n7',
    'abc10229876543210987',
    '1.0229876543210987e+16',
  ])
    test(`a malformed user id from /me (${JSON.stringify(id)}) fails the login with server_error`, async () => {
      const user = fb.user;
      fb.user = { ...user, id };
      try {
        const { location } = await providerLogin(gateway, 'facebook');
        assertSiteError(location, 'server_error', { iss: gateway.url });
        assert.equal(fb.count('me'), 1, 'the id came from the double');
      } finally {
        fb.user = user;
      }
    });

  test('a Graph API error body at /me reaches the site as server_error', async () => {
    fb.graphError = true;
    const { location, hop } = await providerLogin(gateway, 'facebook');
    assert.equal(hop.response.status, 302);
    assertSiteError(location, 'server_error', { iss: gateway.url });
  });

  for (const [where, failure] of [
    ['token', 'error'],
    ['token', 'html'],
    ['me', 'error'],
    ['me', 'html'],
  ] as const) {
    test(`a ${failure === 'html' ? 'HTML body' : '500 Graph error'} from the ${where} endpoint reaches the site as server_error`, async () => {
      fb.fail = { [where]: failure };
      const { location, hop } = await providerLogin(gateway, 'facebook');
      assert.equal(hop.response.status, 302);
      assertSiteError(location, 'server_error', { iss: gateway.url });
    });
  }
});

describe('Facebook with the wrong app secret', () => {
  let fb: FacebookDouble;
  let gateway: TestGateway;
  before(async () => {
    fb = await startFacebookDouble({ version });
    gateway = await facebookGateway(fb, { clientSecret: 'a-stale-app-secret' });
  });
  after(async () => {
    await gateway.close();
    await fb.close();
  });

  test('the refused code exchange reaches the site as server_error', async () => {
    const { location } = await providerLogin(gateway, 'facebook');
    assertSiteError(location, 'server_error', { iss: gateway.url });
    assert.equal(fb.count('me'), 0);
  });
});

describe('Facebook timeouts', () => {
  let fb: FacebookDouble;
  let gateway: TestGateway;
  before(async () => {
    fb = await startFacebookDouble({ version });
    gateway = await facebookGateway(fb, { http: { upstreamTimeout: '300ms' } });
  });
  after(async () => {
    await gateway.close();
    await fb.close();
  });

  for (const where of ['token', 'me'] as const) {
    test(`a ${where} endpoint that never answers ends that login with temporarily_unavailable`, async () => {
      fb.fail = { [where]: 'hang' };
      const { location } = await providerLogin(gateway, 'facebook');
      // The double still holds the request: Byline gave up on its own deadline.
      assert.equal(fb.held, 1);
      assertSiteError(location, 'temporarily_unavailable', { iss: gateway.url });
      fb.fail = {};
      const next = await providerLogin(gateway, 'facebook');
      assert.ok(siteParams(next.location).get('code'), 'the next login works');
    });
  }
});

describe('Facebook without endpoint overrides', () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startGateway({
      config: {
        providers: { facebook: { clientId: '1234', clientSecret: 'secret', graphApiVersion: version } },
      },
    });
  });
  after(() => gateway.close());

  test('sends the reader to the login dialog of the configured Graph API version', async () => {
    const { challenge } = pkce();
    const hop = await new Browser().follow(
      authorizeUrl(gateway, challenge, { idp: 'facebook' }),
      {},
      (location) => location.startsWith('https://www.facebook.com/'),
    );
    const dialog = new URL(hop.location as string);
    assert.equal(dialog.origin + dialog.pathname, `https://www.facebook.com/${version}/dialog/oauth`);
    assert.equal(dialog.searchParams.get('scope'), 'email,public_profile');
  });

  test('exchanges codes and reads the profile at the same version', () => {
    const provider = gateway.ctx.providers.get('facebook');
    assert.equal(provider?.name, 'Facebook');
    assert.equal(provider?.icon, `${gateway.url}/static/icons/facebook.svg`);
    // Only the authorization URL shows outside; the other two are what the strategy was given.
    const config = gateway.config.providers.facebook as ProviderConfigOf<'facebook'>;
    assert.deepEqual(facebookEndpoints(config), {
      authorization: `https://www.facebook.com/${version}/dialog/oauth`,
      token: `https://graph.facebook.com/${version}/oauth/access_token`,
      userinfo: `https://graph.facebook.com/${version}/me`,
    });
  });
});

test('the Graph profile is mapped defensively', () => {
  assert.throws(() => identityFromGraph('facebook', { name: 'No id' }), /no user id/);
  for (const id of [42, ' 42', '42 ', '4\u00002', '', 'x42', '4'.repeat(65)])
    assert.throws(() => identityFromGraph('facebook', { id, name: 'Bad id' }), /no user id/);
  assert.deepEqual(
    identityFromGraph('facebook', {
      id: '42',
      name: 'Ada',
      email: 'ada@example.com',
      picture: { data: { url: 'javascript:alert(1)' } },
    }),
    { provider: 'facebook', id: '42', name: 'Ada', email: 'ada@example.com', emailVerified: false },
  );
});
