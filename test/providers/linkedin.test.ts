import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { assertSiteError, loginCommenter, providerLogin } from '../support/flow.js';
import type { TestGateway } from '../support/gateway.js';
import { type LinkedInDouble, startLinkedInDouble } from '../support/linkedin-double.js';
import { doubleBlock, startGatewayFor } from '../support/provider-gateway.js';
import { routedFetch } from '../support/routed-fetch.js';

describe('LinkedIn login', () => {
  let linkedin: LinkedInDouble;
  let gateway: TestGateway;
  before(async () => {
    linkedin = await startLinkedInDouble();
    // LinkedIn's hosts lead to the double; the config is the app's credentials and the double's URLs.
    gateway = await startGatewayFor(
      linkedin,
      { linkedin: doubleBlock(linkedin) },
      { fetch: routedFetch(linkedin.routes) },
    );
  });
  after(async () => {
    await gateway.close();
    await linkedin.close();
  });
  beforeEach(() => linkedin.reset());

  test('a reader logs in with an ID token that carries no nonce', async () => {
    const commenter = await loginCommenter(gateway, await providerLogin(gateway, 'linkedin'));
    assert.equal(commenter.sub, 'linkedin:782bbtaQ');
    assert.equal(commenter.idp, 'linkedin');
    assert.equal(commenter.name, 'Ada Lovelace');
    assert.equal(commenter.email, 'ada@example.com');
    assert.equal(commenter.emailVerified, true);
    assert.equal(
      commenter.picture,
      'https://media.licdn.com/dms/image/D4E03AQ/profile-displayphoto-shrink_100_100/0/1',
    );
  });

  test('Byline sends no PKCE challenge and no nonce, posts the secret with no code_verifier, and reads UserInfo', async () => {
    await providerLogin(gateway, 'linkedin');
    const authorize = linkedin.requests.find((r) => r.path === '/oauth/v2/authorization');
    assert.equal(authorize?.params.get('scope'), 'openid profile email');
    assert.ok(authorize?.params.get('state'));
    assert.equal(authorize?.params.get('code_challenge'), null);
    assert.equal(authorize?.params.get('nonce'), null);
    const token = linkedin.requests.find((r) => r.path === '/oauth/v2/accessToken');
    assert.equal(token?.params.get('client_secret'), linkedin.clientSecret);
    assert.equal(token?.params.has('code_verifier'), false);
    assert.equal(token?.headers.authorization, undefined);
    assert.ok(linkedin.requests.some((r) => r.path === '/v2/userinfo'));
  });

  test('the double refuses a code_verifier as LinkedIn does: 401 invalid_client', async () => {
    const response = await fetch(linkedin.endpoints.token, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x', code_verifier: 'y' }),
    });
    assert.equal(response.status, 401);
    assert.equal(((await response.json()) as { error: string }).error, 'invalid_client');
  });

  test('an ID token that does carry a nonce (none was sent) ends the login with server_error', async () => {
    linkedin.idToken = { claims: { nonce: 'from-somewhere-else' } };
    const { location } = await providerLogin(gateway, 'linkedin');
    assertSiteError(location, 'server_error', { iss: gateway.url });
  });

  test('a token signed by a key LinkedIn does not publish ends the login with server_error', async () => {
    linkedin.idToken = { unpublishedKey: true };
    const { location } = await providerLogin(gateway, 'linkedin');
    assertSiteError(location, 'server_error', { iss: gateway.url });
  });

  test('an unverified address is not verified in the token', async () => {
    linkedin.idToken = { claims: { email_verified: false } };
    const commenter = await loginCommenter(gateway, await providerLogin(gateway, 'linkedin'));
    assert.equal(commenter.emailVerified, false);
  });

  test('a reader who cancels at LinkedIn (user_cancelled_login) sends the site access_denied', async () => {
    linkedin.deny = true;
    const { location } = await providerLogin(gateway, 'linkedin');
    assertSiteError(location, 'access_denied', { iss: gateway.url });
  });
});
