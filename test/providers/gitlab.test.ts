import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { gitlabDescription } from '../../src/providers/presets/gitlab.js';
import { assertSiteError, loginCommenter, providerLogin } from '../support/flow.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { startGitLabDouble } from '../support/gitlab-double.js';
import type { OidcDouble } from '../support/oidc-double.js';
import { testProviderContext } from '../support/provider-context.js';
import { startGatewayFor } from '../support/provider-gateway.js';

describe('GitLab login (a self-managed instance at its issuer)', () => {
  let gitlab: OidcDouble;
  let gateway: TestGateway;
  before(async () => {
    gitlab = await startGitLabDouble();
    gateway = await startGatewayFor(gitlab, {
      gitlab: { issuer: gitlab.issuer, clientId: gitlab.clientId, clientSecret: gitlab.clientSecret },
    });
  });
  after(async () => {
    await gateway.close();
    await gitlab.close();
  });
  beforeEach(() => gitlab.reset());

  test('a reader logs in: the numeric user id is the subject, the username is preferred_username', async () => {
    const login = await providerLogin(gateway, 'gitlab', { params: { scope: 'openid profile email' } });
    const commenter = await loginCommenter(gateway, login);
    assert.equal(commenter.sub, 'gitlab:1234567');
    assert.equal(commenter.idp, 'gitlab');
    assert.equal(commenter.name, 'Ada Lovelace');
    assert.equal(commenter.username, 'ada');
    assert.equal(commenter.email, 'ada@example.com');
    assert.equal(commenter.emailVerified, true);
    assert.equal(commenter.picture, 'https://secure.gravatar.com/avatar/5f1c2b?s=80&d=identicon');
    assert.equal(commenter.website, 'https://ada.example/');
  });

  test('Byline discovers the instance at its issuer and asks for openid profile email with a nonce and S256', async () => {
    await providerLogin(gateway, 'gitlab');
    const authorize = gitlab.requests.find((r) => r.path === '/oauth/authorize');
    assert.equal(authorize?.params.get('scope'), 'openid profile email');
    assert.ok(authorize?.params.get('nonce'));
    assert.equal(authorize?.params.get('code_challenge_method'), 'S256');
    const token = gitlab.requests.find((r) => r.path === '/oauth/token');
    assert.equal(token?.params.get('client_secret'), gitlab.clientSecret);
  });

  test('an unconfirmed address is not verified in the token', async () => {
    gitlab.idToken = { claims: { email_verified: false } };
    const commenter = await loginCommenter(gateway, await providerLogin(gateway, 'gitlab'));
    assert.equal(commenter.email, 'ada@example.com');
    assert.equal(commenter.emailVerified, false);
  });

  test('a token from another issuer (gitlab.com for a self-managed instance) ends the login with server_error', async () => {
    gitlab.idToken = { claims: { iss: 'https://gitlab.com' } };
    const { location } = await providerLogin(gateway, 'gitlab');
    assertSiteError(location, 'server_error', { iss: gateway.url });
  });

  test('a reader who denies the application sends the site access_denied with its state', async () => {
    gitlab.deny = true;
    const { location } = await providerLogin(gateway, 'gitlab');
    assertSiteError(location, 'access_denied', { iss: gateway.url });
  });
});

test('nickname stands in for a missing preferred_username', async () => {
  const ctx = testProviderContext({ url: 'https://byline.example' });
  const description = gitlabDescription(
    {
      id: 'gitlab',
      type: 'gitlab',
      name: 'GitLab',
      issuer: 'https://gitlab.com',
      clientId: 'i',
      clientSecret: 's',
    },
    ctx,
  );
  const identity = await description.profile({
    provider: 'gitlab',
    tokens: { access_token: 'a', token_type: 'bearer' },
    claims: {
      iss: 'https://gitlab.com',
      sub: '42',
      aud: 'i',
      iat: 0,
      exp: 0,
      nickname: 'ada.l',
      name: 'Ada',
    },
    params: new URLSearchParams(),
    userinfo: async () => ({ sub: '42' }),
    fetchJson: async () => ({}),
    fetchJsonArray: async () => [],
  });
  assert.equal(identity.username, 'ada.l');
  assert.equal(identity.id, '42');
});

test('gitlab defaults to https://gitlab.com', async () => {
  const gateway = await startGateway({
    config: { providers: { gitlab: { clientId: 'id', clientSecret: 'secret' } } },
  });
  try {
    assert.equal(gateway.config.providers.gitlab?.type, 'gitlab');
    assert.equal((gateway.config.providers.gitlab as { issuer?: string }).issuer, 'https://gitlab.com');
    assert.equal(gateway.ctx.providers.get('gitlab')?.name, 'GitLab');
  } finally {
    await gateway.close();
  }
});
