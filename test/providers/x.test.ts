import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { parseConfig } from '../../src/config/load.js';
import { describedProvider } from '../../src/providers/engine.js';
import { identityFromUser, xDescription } from '../../src/providers/presets/x.js';
import { basicCredentials } from '../support/double-http.js';
import { assertSiteError, loginCommenter, providerLogin, siteParams } from '../support/flow.js';
import { type TestGateway, testSite } from '../support/gateway.js';
import { testProviderContext } from '../support/provider-context.js';
import { doubleBlock, startGatewayFor } from '../support/provider-gateway.js';
import { startXDouble, type XDouble, xUser } from '../support/x-double.js';

describe('X login', () => {
  let x: XDouble;
  let gateway: TestGateway;
  before(async () => {
    x = await startXDouble();
    // Nothing but the app's credentials, and the double's URLs in place of X's.
    const block = doubleBlock(x);
    gateway = await startGatewayFor(x, { x: block, 'x-email': { type: 'x', ...block, email: true } });
  });
  after(async () => {
    await gateway.close();
    await x.close();
  });
  beforeEach(() => x.reset());

  test('a reader logs in: the numeric id is the subject; name, avatar and the expanded profile link reach the site', async () => {
    const commenter = await loginCommenter(gateway, await providerLogin(gateway, 'x'));
    assert.equal(commenter.sub, 'x:2244994945');
    assert.equal(commenter.idp, 'x');
    assert.equal(commenter.name, 'X Dev');
    assert.equal(
      commenter.picture,
      'https://pbs.twimg.com/profile_images/1683325380441128960/yRsRRjGO_normal.jpg',
    );
    assert.equal(commenter.website, 'https://developer.x.com/', 'the t.co link expanded');
    assert.equal(commenter.email, undefined, 'no email without the email option');
    assert.equal(commenter.emailVerified, false);
    assert.deepEqual(
      x.requests.map((r) => `${r.method} ${r.path}`),
      ['GET /i/oauth2/authorize', 'POST /2/oauth2/token', 'GET /2/users/me'],
    );
  });

  test('Byline asks for tweet.read users.read with an S256 challenge, authenticates with Basic and asks /2/users/me for the fields it reads', async () => {
    await providerLogin(gateway, 'x');
    const [authorize, token, me] = x.requests;
    assert.equal(authorize?.params.get('client_id'), x.clientId);
    assert.equal(authorize?.params.get('response_type'), 'code');
    assert.equal(authorize?.params.get('scope'), 'tweet.read users.read');
    assert.equal(authorize?.params.get('redirect_uri'), `${gateway.url}/auth/x/callback`);
    assert.equal(authorize?.params.get('code_challenge_method'), 'S256');
    assert.ok(authorize?.params.get('state'));
    assert.deepEqual(basicCredentials(token?.headers.authorization), [x.clientId, x.clientSecret]);
    assert.equal(token?.params.get('client_secret'), null, 'the secret only in the Basic header');
    assert.ok(token?.params.get('code_verifier'));
    assert.equal(me?.query.get('user.fields'), 'profile_image_url,url,entities');
    assert.match(String(me?.headers.authorization), /^Bearer \S+$/);
  });

  test('a token response without a refresh token is all a login needs: Byline asks for no offline.access and keeps no upstream token', async () => {
    const login = await providerLogin(gateway, 'x');
    assert.doesNotMatch(String(x.to('/i/oauth2/authorize')[0]?.params.get('scope')), /offline\.access/);
    assert.ok(siteParams(login.location).get('code'), 'the site gets its code');
    assert.equal((await loginCommenter(gateway, login)).sub, 'x:2244994945');
  });

  test('with email: true, users.email is asked and confirmed_email arrives verified', async () => {
    const commenter = await loginCommenter(gateway, await providerLogin(gateway, 'x-email'));
    assert.equal(x.to('/i/oauth2/authorize')[0]?.params.get('scope'), 'tweet.read users.read users.email');
    assert.equal(
      x.to('/2/users/me')[0]?.query.get('user.fields'),
      'profile_image_url,url,entities,confirmed_email',
    );
    assert.equal(commenter.email, 'xdev@example.com');
    assert.equal(commenter.emailVerified, true);
  });

  test('with email: true but users.email not granted, confirmed_email is not asked for and the login has no email', async () => {
    x.grantedScopes = ['tweet.read', 'users.read'];
    const commenter = await loginCommenter(gateway, await providerLogin(gateway, 'x-email'));
    assert.equal(x.to('/2/users/me')[0]?.query.get('user.fields'), 'profile_image_url,url,entities');
    assert.equal(commenter.email, undefined);
    assert.equal(commenter.emailVerified, false);
  });

  test('a profile without a link of its own links to the reader on X; a missing name falls back to the username', async () => {
    const { url: _, entities: __, ...bare } = xUser({ name: '' });
    x.user = bare;
    const commenter = await loginCommenter(gateway, await providerLogin(gateway, 'x'));
    assert.equal(commenter.website, 'https://x.com/XDevelopers');
    assert.equal(commenter.name, 'XDevelopers');
  });

  const refusals: [string, () => void, string][] = [
    ['the reader cancelling at X (error=access_denied)', () => (x.deny = true), 'access_denied'],
    [
      'an /2/users/me answer with errors and no data',
      () =>
        (x.meBody = {
          errors: [{ title: 'Forbidden', type: 'about:blank', status: 403, detail: 'Forbidden' }],
        }),
      'server_error',
    ],
    ['an id that is not X’s string of digits', () => (x.user = xUser({ id: 2244994945 })), 'server_error'],
  ];
  for (const [name, arrange, error] of refusals) {
    test(`${name} → ${error} at the site`, async () => {
      arrange();
      const { location } = await providerLogin(gateway, 'x');
      assertSiteError(location, error, { iss: gateway.url });
    });
  }
});

describe('X token errors', () => {
  let x: XDouble;
  let gateway: TestGateway;
  before(async () => {
    x = await startXDouble();
    // A wrong secret: X answers 401 unauthorized_client.
    gateway = await startGatewayFor(x, { x: { ...doubleBlock(x), clientSecret: 'wrong' } });
  });
  after(async () => {
    await gateway.close();
    await x.close();
  });

  test('a token error answer (401 unauthorized_client) → server_error at the site, and no profile call', async () => {
    const { location } = await providerLogin(gateway, 'x');
    assertSiteError(location, 'server_error', { iss: gateway.url });
    assert.equal(x.to('/2/oauth2/token').length, 1);
    assert.equal(x.to('/2/users/me').length, 0);
  });
});

describe('X provider definition', () => {
  const ctx = testProviderContext({ url: 'https://byline.example' });

  test('`x: { clientId, clientSecret }` is an X provider with its brand, icon and x.com by default', async () => {
    const config = parseConfig(
      {
        publicUrl: 'https://byline.example',
        sites: { blog: testSite },
        providers: { x: { clientId: 'M1M5', clientSecret: 's' } },
      },
      { env: {}, cwd: '/' },
    ).providers.x;
    assert.equal(config?.type, 'x');
    if (config?.type !== 'x') return;
    assert.equal(config.email, false);
    const provider = describedProvider(xDescription(config, ctx), ctx);
    assert.equal(provider.name, 'X');
    assert.equal(provider.icon, 'https://byline.example/static/icons/x.svg');
    const started = await provider.start({ forceLogin: false });
    assert.ok('url' in started);
    assert.match(started.url, /^https:\/\/x\.com\/i\/oauth2\/authorize\?/);
  });

  test('maps /2/users/me defensively', () => {
    assert.deepEqual(
      identityFromUser(
        'x',
        xUser({
          name: ' X\nDev ',
          profile_image_url: 'javascript:alert(1)',
          entities: { url: { urls: [{ expanded_url: 'data:,x' }] } },
          url: 'https://t.co/abc',
          confirmed_email: 'not an email',
        }),
      ),
      {
        provider: 'x',
        id: '2244994945',
        name: 'X Dev',
        username: 'XDevelopers',
        emailVerified: false,
        website: 'https://t.co/abc',
      },
    );
    for (const id of [undefined, '', ' 1', '12a', 42])
      assert.throws(() => identityFromUser('x', xUser({ id })), /no user id/);
  });
});
