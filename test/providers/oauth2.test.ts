import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { parseConfig } from '../../src/config/load.js';
import { identityFromProfile } from '../../src/providers/presets/oauth2.js';
import { assertSiteError, loginCommenter, providerLogin } from '../support/flow.js';
import { listenOnFreePort, startGateway, type TestGateway, testSite } from '../support/gateway.js';
import { githubLikeUser, type OAuth2Double, startOAuth2Double } from '../support/oauth2-double.js';
import { startGatewayFor } from '../support/provider-gateway.js';

const mapping = {
  id: 'id',
  name: 'name',
  username: 'login',
  picture: 'avatar_url',
  email: 'email',
  emailVerified: 'email_verified',
  website: 'html_url',
};

/** The `providers.forge` block an admin writes for the double. */
function forgeConfig(double: OAuth2Double, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'oauth2',
    name: 'Forge',
    clientId: double.clientId,
    clientSecret: double.clientSecret,
    endpoints: double.endpoints,
    scopes: ['read:user', 'user:email'],
    profile: mapping,
    ...extra,
  };
}

describe('a type: oauth2 provider', () => {
  let double: OAuth2Double;
  let gateway: TestGateway;
  let refusedPort: string;
  before(async () => {
    double = await startOAuth2Double();
    const closed = await listenOnFreePort();
    refusedPort = new URL(closed.url).port;
    await new Promise((resolve) => closed.server.close(resolve));
    gateway = await startGatewayFor(double, {
      forge: forgeConfig(double),
      'forge-post': forgeConfig(double, { clientAuth: 'client_secret_post', pkce: false, scopes: [] }),
      'forge-public': forgeConfig(double, { clientAuth: 'none', clientSecret: undefined }),
      'forge-down': forgeConfig(double, {
        endpoints: { ...double.endpoints, token: `http://127.0.0.1:${refusedPort}/login/oauth/access_token` },
      }),
    });
  });
  after(async () => {
    await gateway.close();
    await double.close();
  });
  beforeEach(() => double.reset());

  test('logs a reader in with nothing but config: the mapped profile reaches the site', async () => {
    double.profile = githubLikeUser({ email_verified: true });
    const commenter = await loginCommenter(gateway, await providerLogin(gateway, 'forge'));
    assert.equal(commenter.sub, 'forge:583231', 'a numeric id becomes its digits');
    assert.equal(commenter.idp, 'forge');
    assert.equal(commenter.name, 'The Octocat');
    assert.equal(commenter.picture, 'https://avatars.githubusercontent.com/u/583231?v=4');
    assert.equal(commenter.website, 'https://github.com/octocat');
    assert.equal(commenter.email, 'octocat@github.com');
    assert.equal(commenter.emailVerified, true);
    assert.deepEqual(
      double.requests.map((r) => `${r.method} ${r.path}`),
      ['GET /login/oauth/authorize', 'POST /login/oauth/access_token', 'GET /user'],
    );
  });

  test('asks with the scopes, a state and an S256 challenge (no nonce); authenticates with Basic and the verifier', async () => {
    await providerLogin(gateway, 'forge');
    const [authorize, token, user] = double.requests;
    assert.equal(authorize?.params.get('client_id'), double.clientId);
    assert.equal(authorize?.params.get('response_type'), 'code');
    assert.equal(authorize?.params.get('scope'), 'read:user user:email');
    assert.equal(authorize?.params.get('redirect_uri'), `${gateway.url}/auth/forge/callback`);
    assert.ok(authorize?.params.get('state'));
    assert.equal(authorize?.params.get('code_challenge_method'), 'S256');
    assert.equal(authorize?.params.get('nonce'), null);
    assert.match(String(token?.headers.authorization), /^Basic /);
    assert.equal(token?.params.get('client_secret'), null);
    assert.ok(token?.params.get('code_verifier'));
    assert.match(String(user?.headers.authorization), /^Bearer gho_/);
  });

  test('clientAuth client_secret_post and pkce: false send the secret in the body and no challenge', async () => {
    double.clientAuth = 'client_secret_post';
    const commenter = await loginCommenter(gateway, await providerLogin(gateway, 'forge-post'));
    assert.equal(commenter.sub, 'forge-post:583231');
    const [authorize, token] = double.requests;
    assert.equal(authorize?.params.get('code_challenge'), null);
    assert.equal(authorize?.params.get('scope'), null, 'no scopes: no scope parameter');
    assert.equal(token?.headers.authorization, undefined);
    assert.equal(token?.params.get('client_secret'), double.clientSecret);
    assert.equal(token?.params.get('code_verifier'), null);
  });

  test('clientAuth none sends only the client id, with PKCE', async () => {
    double.clientAuth = 'none';
    const commenter = await loginCommenter(gateway, await providerLogin(gateway, 'forge-public'));
    assert.equal(commenter.sub, 'forge-public:583231');
    const token = double.to('/login/oauth/access_token')[0];
    assert.equal(token?.params.get('client_id'), double.clientId);
    assert.ok(token?.params.get('code_verifier'));
  });

  test('email_verified counts only as the boolean true; unsafe URLs are dropped; the name falls back to the username', async () => {
    double.profile = githubLikeUser({
      name: null,
      email_verified: 'true',
      avatar_url: 'javascript:alert(1)',
      html_url: 'data:text/html,hi',
    });
    const commenter = await loginCommenter(gateway, await providerLogin(gateway, 'forge'));
    assert.equal(commenter.name, 'octocat');
    assert.equal(commenter.email, 'octocat@github.com');
    assert.equal(commenter.emailVerified, false);
    assert.equal(commenter.picture, undefined);
    assert.equal(commenter.website, undefined);
  });

  const refusals: [string, () => void, string][] = [
    [
      'a profile without the mapped id',
      () => (double.profile = githubLikeUser({ id: undefined })),
      'server_error',
    ],
    [
      'an id Byline would have to change (" 42")',
      () => (double.profile = githubLikeUser({ id: ' 42' })),
      'server_error',
    ],
    ['a fractional id', () => (double.profile = githubLikeUser({ id: 1.5 })), 'server_error'],
    [
      'a profile that is not JSON',
      () => (double.profileBody = { type: 'text/html', body: '<!doctype html><h1>Sign in</h1>' }),
      'server_error',
    ],
    [
      'a JSON array for a profile',
      () => (double.profileBody = { type: 'application/json', body: '[1]' }),
      'server_error',
    ],
    [
      'a token error answer {"error":"invalid_grant"}',
      () => (double.tokenError = { status: 400, body: { error: 'invalid_grant' } }),
      'server_error',
    ],
    ['the reader refusing at the provider', () => (double.deny = true), 'access_denied'],
  ];
  for (const [name, arrange, error] of refusals) {
    test(`${name} → ${error} at the site`, async () => {
      arrange();
      const { location } = await providerLogin(gateway, 'forge');
      assertSiteError(location, error, { iss: gateway.url });
    });
  }

  test('an unreachable token endpoint → temporarily_unavailable, and the profile is never asked for', async () => {
    const { location } = await providerLogin(gateway, 'forge-down');
    assertSiteError(location, 'temporarily_unavailable', { iss: gateway.url });
    assert.equal(double.to('/user').length, 0);
  });
});

test('the mapping reads dotted paths, own properties only', () => {
  const json = { data: { user: { id: 'u-1', handle: 'ada' } }, emails: [{ value: 'ada@example.com' }] };
  assert.deepEqual(
    identityFromProfile('forge', json, {
      id: 'data.user.id',
      username: 'data.user.handle',
      email: 'emails.0.value',
      name: 'data.user.toString',
    }),
    {
      provider: 'forge',
      id: 'u-1',
      name: 'ada',
      username: 'ada',
      email: 'ada@example.com',
      emailVerified: false,
    },
  );
  assert.throws(() => identityFromProfile('forge', json, { id: 'data.user.constructor' }), /no usable id/);
});

describe('the mapping is checked when the config loads', () => {
  const endpoints = {
    authorization: 'https://forge.example/authorize',
    token: 'https://forge.example/token',
    userinfo: 'https://forge.example/user',
  };
  /** A `providers.forge` block for a forge at forge.example, with `extra` over it. */
  const forge = (extra: Record<string, unknown>) => ({
    type: 'oauth2',
    name: 'Forge',
    clientId: 'id',
    clientSecret: 'secret',
    endpoints,
    ...extra,
  });
  const load = (extra: Record<string, unknown>) =>
    parseConfig(
      { publicUrl: 'https://byline.example', sites: { blog: testSite }, providers: { forge: forge(extra) } },
      { env: {}, cwd: '/' },
    );
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['no profile', {}, /providers\.forge\.profile: is required/],
    ['no id in the profile', { profile: { name: 'name' } }, /providers\.forge\.profile\.id: is required/],
    [
      'an unknown identity field',
      { profile: { id: 'id', avatar: 'avatar_url' } },
      /providers\.forge\.profile\.avatar: unknown key/,
    ],
    [
      'an empty path segment',
      { profile: { id: 'data..id' } },
      /providers\.forge\.profile\.id: must be a dotted path/,
    ],
    [
      'a prototype path',
      { profile: { id: '__proto__.id' } },
      /providers\.forge\.profile\.id: must not use __proto__/,
    ],
    [
      'a path that is not a string',
      { profile: { id: 42 } },
      /providers\.forge\.profile\.id: must be a string/,
    ],
    [
      'no secret with Basic authentication',
      { profile: { id: 'id' }, clientSecret: undefined },
      /providers\.forge\.clientSecret: is required with clientAuth client_secret_basic/,
    ],
    [
      'clientAuth none without PKCE (a public client protected by state alone)',
      { profile: { id: 'id' }, clientAuth: 'none', clientSecret: undefined, pkce: false },
      /providers\.forge\.pkce: must be true with clientAuth none/,
    ],
    [
      'a missing endpoint',
      {
        profile: { id: 'id' },
        endpoints: { authorization: 'https://f.example/a', token: 'https://f.example/t' },
      },
      /providers\.forge\.endpoints\.userinfo: is required/,
    ],
  ];
  for (const [name, forge, message] of cases) {
    test(`${name} is refused, naming the key`, () => {
      assert.throws(() => load(forge), message);
    });
  }

  test('a mapping with every field loads; clientAuth and pkce have their defaults', () => {
    const config = load({ profile: mapping });
    const forge = config.providers.forge;
    assert.equal(forge?.type, 'oauth2');
    if (forge?.type !== 'oauth2') return;
    assert.equal(forge.clientAuth, 'client_secret_basic');
    assert.equal(forge.pkce, true);
    assert.deepEqual(forge.scopes, []);
    assert.deepEqual(forge.profile, mapping);
  });

  test('a plain http endpoint off loopback stops start-up', async () => {
    await assert.rejects(
      startGateway({
        config: {
          providers: {
            forge: forge({
              endpoints: { ...endpoints, token: 'http://forge.example/token' },
              profile: { id: 'id' },
            }),
          },
        },
      }),
      /providers\.forge\.endpoints\.token: must be an https URL/,
    );
  });
});
