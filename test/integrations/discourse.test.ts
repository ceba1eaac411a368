// Discourse's discourse-openid-connect plugin, replayed request by request against Byline started with
// the site block of docs/integrations/discourse.md: discovery, the authorization request OmniAuth builds
// (state, nonce, PKCE only with "openid connect use pkce"), the token request with a Basic header the
// Ruby oauth2 gem does not form-encode, the ID token checks (iss, aud, exp, nbf, nonce) and userinfo
// (sub equal to the ID token's), and RP-initiated logout as plugin.rb builds it.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Browser } from '../support/browser.js';
import type { TestGateway } from '../support/gateway.js';
import {
  callbackParams,
  confirmLogout,
  discover,
  endpoint,
  getUserinfo,
  guideSite,
  plainBasic,
  postForm,
  startGuideGateway,
  verifiedIdToken,
} from './guide.js';
import { ada, devLoginAt } from './reader.js';

const guide = guideSite('discourse');
const redirectUri = guide.site.redirectUris[0] as string;
// The guide's "openid connect authorize scope" (the plugin's default is "openid").
const authorizeScope = 'openid profile email';

let gateway: TestGateway;
before(async () => {
  gateway = await startGuideGateway(guide);
});
after(() => gateway.close());

interface ForumLogin {
  browser: Browser;
  metadata: Record<string, unknown>;
  authorization: URL;
  tokens: Record<string, unknown>;
  idClaims: Record<string, unknown>;
  userinfo: Record<string, unknown>;
}

/**
 * One login as the plugin makes it: OmniAuth's request phase (discover!, authorize_params), the
 * reader at Byline, the callback phase (state, build_access_token, id_token_info, userinfo_response).
 */
async function forumLogin(options: { pkce?: boolean; scope?: string } = {}): Promise<ForumLogin> {
  const metadata = await discover(gateway);
  const state = randomBytes(24).toString('hex'); // omniauth-oauth2: SecureRandom.hex(24)
  const nonce = randomBytes(32).toString('hex'); // the plugin: SecureRandom.hex(32)
  const verifier = randomBytes(64).toString('hex'); // omniauth-oauth2: SecureRandom.hex(64)
  const authorization = new URL(endpoint(metadata, 'authorization_endpoint'));
  authorization.search = new URLSearchParams({
    response_type: 'code',
    client_id: guide.id,
    redirect_uri: redirectUri,
    state,
    scope: options.scope ?? authorizeScope,
    nonce,
    ...(options.pkce
      ? {
          code_challenge: createHash('sha256').update(verifier).digest('base64url'),
          code_challenge_method: 'S256',
        }
      : {}),
  }).toString();
  const browser = new Browser();
  const callback = callbackParams(await devLoginAt(authorization, redirectUri, ada, browser), redirectUri);
  // OmniAuth refuses the callback (csrf_detected) unless the state comes back unchanged.
  assert.equal(callback.get('state'), state);

  const token = await postForm(
    endpoint(metadata, 'token_endpoint'),
    {
      grant_type: 'authorization_code',
      code: callback.get('code') as string,
      redirect_uri: redirectUri,
      ...(options.pkce ? { code_verifier: verifier } : {}),
    },
    plainBasic(guide.id, guide.secret),
  );
  assert.equal(token.status, 200, JSON.stringify(token.body));
  const idClaims = await verifiedIdToken(metadata, token.body.id_token, { audience: guide.id, nonce });
  assert.ok(typeof idClaims.sub === 'string' && idClaims.sub.length > 0, 'the ID token names a sub');

  const userinfo = await getUserinfo(
    endpoint(metadata, 'userinfo_endpoint'),
    token.body.access_token as string,
  );
  assert.equal(userinfo.status, 200, JSON.stringify(userinfo.body));
  // Otherwise the plugin fails with openid_connect_sub_mismatch.
  assert.equal(userinfo.body.sub, idClaims.sub);
  return { browser, metadata, authorization, tokens: token.body, idClaims, userinfo: userinfo.body };
}

describe('Discourse (discourse-openid-connect) against the guide’s site block', () => {
  test('discovery has everything the plugin reads, and it keeps to client_secret_basic', async () => {
    const metadata = await discover(gateway);
    // discover! raises "missing discovery parameter" without these three.
    assert.equal(endpoint(metadata, 'issuer'), gateway.url);
    endpoint(metadata, 'authorization_endpoint');
    endpoint(metadata, 'token_endpoint');
    // Without a userinfo endpoint the plugin would read the profile from the ID token instead.
    endpoint(metadata, 'userinfo_endpoint');
    // The plugin switches to client_secret_post only when basic is not listed.
    assert.ok(
      (metadata.token_endpoint_auth_methods_supported as string[]).includes('client_secret_basic'),
      'client_secret_basic is advertised',
    );
    // For "openid connect rp initiated logout".
    endpoint(metadata, 'end_session_endpoint');
  });

  test('with the plugin’s defaults (no PKCE) a member logs in, and Discourse gets the name, email and sub', async () => {
    const login = await forumLogin();
    assert.equal(login.authorization.searchParams.get('code_challenge'), null, 'no PKCE was sent');
    assert.equal(login.userinfo.name, ada.name);
    assert.equal(login.userinfo.email, ada.email);
    // primary_email_verified? reads this from userinfo; false would make Discourse ask for confirmation.
    assert.equal(login.userinfo.email_verified, true);
    assert.equal(typeof login.tokens.access_token, 'string');
  });

  test('with "openid connect use pkce" on, the login carries a challenge and its 128-character verifier', async () => {
    const login = await forumLogin({ pkce: true });
    assert.equal(login.authorization.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(login.userinfo.name, ada.name);
  });

  test('RP-initiated logout as the plugin builds it returns the member to the forum after Byline’s confirmation', async () => {
    const login = await forumLogin();
    const logout = new URL(endpoint(login.metadata, 'end_session_endpoint'));
    const postLogoutRedirect = guide.site.postLogoutRedirectUris?.[0] as string;
    // plugin.rb: id_token_hint and post_logout_redirect_uri, no client_id, no state.
    logout.search = new URLSearchParams({
      id_token_hint: login.tokens.id_token as string,
      post_logout_redirect_uri: postLogoutRedirect,
    }).toString();
    const done = await confirmLogout(gateway, login.browser, logout.href);
    assert.equal(done.response.status, 303, done.body.slice(0, 300));
    assert.equal(done.response.headers.get('location'), postLogoutRedirect);
    const userinfo = await getUserinfo(
      endpoint(login.metadata, 'userinfo_endpoint'),
      login.tokens.access_token as string,
    );
    assert.equal(userinfo.status, 401, 'the forum’s Byline session ended with the logout');
  });

  test('the plugin’s default authorize scope, openid alone, gets only sub (why the guide sets openid profile email)', async () => {
    const login = await forumLogin({ scope: 'openid' });
    assert.deepEqual(Object.keys(login.userinfo), ['sub']);
    assert.equal(login.idClaims.email, undefined);
  });
});
