import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { describedProvider } from '../../src/providers/engine.js';
import { identityFromMe, wordpressDescription } from '../../src/providers/presets/wordpress.js';
import type { UpstreamProvider } from '../../src/providers/provider.js';
import { assertSiteError, loginCommenter, providerLogin, siteParams } from '../support/flow.js';
import type { TestGateway } from '../support/gateway.js';
import { testProviderContext } from '../support/provider-context.js';
import { doubleBlock, startGatewayFor } from '../support/provider-gateway.js';
import { startWordPressDouble, type WordPressDouble, wordpressMe } from '../support/wordpress-double.js';

async function wordpressGateway(
  wp: WordPressDouble,
  http: Record<string, unknown> = {},
): Promise<TestGateway> {
  return startGatewayFor(wp, { wordpress: doubleBlock(wp) }, { config: { http } });
}

describe('WordPress.com login', () => {
  let wp: WordPressDouble;
  let gateway: TestGateway;
  before(async () => {
    wp = await startWordPressDouble();
    gateway = await wordpressGateway(wp);
  });
  after(async () => {
    await gateway.close();
    await wp.close();
  });
  beforeEach(() => {
    wp.me = wordpressMe();
    wp.deny = false;
    wp.fail = {};
    wp.requests.length = 0;
  });

  test('a reader logs in and the site gets a verifiable token with the mapped claims', async () => {
    const login = await providerLogin(gateway, 'wordpress');
    const params = siteParams(login.location);
    assert.equal(params.get('state'), 'state-123');
    assert.equal(params.get('iss'), gateway.url);
    const commenter = await loginCommenter(gateway, login);
    assert.equal(commenter.sub, 'wordpress:81234567');
    assert.equal(commenter.idp, 'wordpress');
    assert.equal(commenter.name, 'Ada Lovelace');
    assert.equal(commenter.email, 'ada@example.com');
    assert.equal(commenter.emailVerified, true);
    assert.equal(commenter.picture, 'https://0.gravatar.com/avatar/5f1c2b?s=96&d=identicon');
    assert.equal(commenter.website, 'https://gravatar.com/adalovelace');
    assert.deepEqual(
      wp.requests.map((r) => `${r.method} ${r.path}`),
      ['GET /oauth2/authorize', 'POST /oauth2/token', 'GET /rest/v1.1/me'],
    );
  });

  test('the authorization request asks for scope auth with a state, and the token request sends credentials in the body only', async () => {
    await providerLogin(gateway, 'wordpress');
    const [authorize, token, me] = wp.requests;
    assert.equal(authorize?.params.get('client_id'), wp.clientId);
    assert.equal(authorize?.params.get('response_type'), 'code');
    assert.equal(authorize?.params.get('scope'), 'auth');
    assert.equal(authorize?.params.get('redirect_uri'), `${gateway.url}/auth/wordpress/callback`);
    assert.ok(authorize?.params.get('state'));
    assert.equal(authorize?.params.get('nonce'), null);

    assert.equal(token?.headers.authorization, undefined);
    assert.match(String(token?.headers['content-type']), /^application\/x-www-form-urlencoded/);
    assert.equal(token?.params.get('client_id'), wp.clientId);
    assert.equal(token?.params.get('client_secret'), wp.clientSecret);
    assert.equal(token?.params.get('grant_type'), 'authorization_code');
    assert.equal(token?.params.get('redirect_uri'), `${gateway.url}/auth/wordpress/callback`);
    assert.ok(token?.params.get('code'));

    assert.match(String(me?.headers.authorization), /^Bearer \S+$/);
  });

  test('the double refuses Basic client authentication, as WordPress.com does', async () => {
    const response = await fetch(wp.endpoints.token, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${wp.clientId}:${wp.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x', redirect_uri: 'https://x/' }),
    });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { error: string }).error, 'invalid_client');
  });

  test('a reader who refuses at WordPress.com sends the site access_denied with its state', async () => {
    wp.deny = true;
    const { location } = await providerLogin(gateway, 'wordpress');
    assertSiteError(location, 'access_denied', { iss: gateway.url });
    assert.equal(wp.to('/oauth2/token').length, 0);
  });

  for (const [where, failure] of [
    ['token', 'error'],
    ['token', 'html'],
    ['me', 'error'],
    ['me', 'html'],
  ] as const) {
    test(`a ${failure === 'html' ? 'HTML body' : '500'} from the ${where} endpoint reaches the site as server_error`, async () => {
      wp.fail = { [where]: failure };
      const { location, hop } = await providerLogin(gateway, 'wordpress');
      assert.equal(hop.response.status, 302);
      assertSiteError(location, 'server_error', { iss: gateway.url });
    });
  }

  test('a reader without an email address (or an unverified one) gets no verified email claim', async () => {
    const { email: _, email_verified: __, ...withoutEmail } = wordpressMe();
    wp.me = { ...withoutEmail, display_name: '' };
    const first = await providerLogin(gateway, 'wordpress');
    const commenter = await loginCommenter(gateway, first);
    assert.equal(commenter.email, undefined);
    assert.equal(commenter.emailVerified, false);
    assert.equal(commenter.name, 'adalovelace', 'username stands in for an empty display_name');

    wp.me = wordpressMe({ email_verified: false });
    const second = await providerLogin(gateway, 'wordpress');
    const unverified = await loginCommenter(gateway, second);
    assert.equal(unverified.email, 'ada@example.com');
    assert.equal(unverified.emailVerified, false);
  });
});

describe('WordPress.com timeouts', () => {
  let wp: WordPressDouble;
  let gateway: TestGateway;
  before(async () => {
    wp = await startWordPressDouble();
    gateway = await wordpressGateway(wp, { upstreamTimeout: '300ms' });
  });
  after(async () => {
    await gateway.close();
    await wp.close();
  });

  for (const where of ['token', 'me'] as const) {
    test(`a ${where} endpoint that never answers ends that login with temporarily_unavailable`, async () => {
      wp.fail = { [where]: 'hang' };
      const { location } = await providerLogin(gateway, 'wordpress');
      // The double still holds the request: Byline gave up on its own deadline.
      assert.equal(wp.held, 1);
      assertSiteError(location, 'temporarily_unavailable', { iss: gateway.url });
      wp.fail = {};
      const next = await providerLogin(gateway, 'wordpress');
      assert.ok(siteParams(next.location).get('code'), 'the next login works');
    });
  }
});

describe('WordPress.com provider definition', () => {
  const ctx = testProviderContext({ url: 'https://byline.example' });
  const wordpressProvider = (config: Parameters<typeof wordpressDescription>[0]): UpstreamProvider =>
    describedProvider(wordpressDescription(config, ctx), ctx);
  const base = {
    id: 'wordpress',
    type: 'wordpress' as const,
    name: 'WordPress.com',
    clientId: '1',
    clientSecret: 's',
  };

  test('has its name, icon and the real endpoints by default', async () => {
    const provider = wordpressProvider(base);
    assert.equal(provider.name, 'WordPress.com');
    assert.equal(provider.icon, 'https://byline.example/static/icons/wordpress.svg');
    const started = await provider.start({ forceLogin: false });
    assert.ok('url' in started, 'a description sends the reader by URL');
    const { url, upstream } = started;
    assert.match(url, /^https:\/\/public-api\.wordpress\.com\/oauth2\/authorize\?/);
    const params = new URL(url).searchParams;
    assert.equal(params.get('state'), upstream.state);
    assert.equal(params.get('code_challenge_method'), 'S256');
    assert.ok(upstream.codeVerifier);
    assert.equal(upstream.nonce, undefined, 'WordPress.com is not OpenID Connect: no nonce');
  });

  test('refuses plain http endpoints that are not on loopback', () => {
    assert.throws(
      () => wordpressProvider({ ...base, endpoints: { token: 'http://proxy.example/oauth2/token' } }),
      /providers\.wordpress\.endpoints\.token: must be an https URL/,
    );
  });

  test('maps /me defensively', () => {
    assert.throws(() => identityFromMe('wordpress', { display_name: 'No id' }), /no user ID/);
    const identity = identityFromMe('wordpress', {
      ID: '42',
      display_name: ' Ada\n',
      avatar_URL: 'javascript:alert(1)',
      profile_URL: 'https://gravatar.com/ada',
      email: 'not an email',
      email_verified: true,
    });
    assert.deepEqual(identity, {
      provider: 'wordpress',
      id: '42',
      name: 'Ada',
      emailVerified: false,
      website: 'https://gravatar.com/ada',
    });
  });
});
