// WordPress's "OpenID Connect Generic Client" plugin, replayed request by request against Byline started
// with the site block of docs/integrations/wordpress.md: the authorization URL it formats (state only,
// no nonce, no PKCE, a redirect URI with a query), the client_secret_post token request (with scope in
// the body), its token response checks (id_token, token_type Bearer, sub), userinfo with the exact sub
// comparison, the refresh it makes once the access token expired, and its logout URL.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Browser } from '../support/browser.js';
import type { TestGateway } from '../support/gateway.js';
import {
  callbackParams,
  confirmLogout,
  decodedPayload,
  discover,
  getUserinfo,
  guideSite,
  postForm,
  startGuideGateway,
  verifiedIdToken,
} from './guide.js';
import { ada, devLoginAt } from './reader.js';

const guide = guideSite('wordpress');
const redirectUri = guide.site.redirectUris[0] as string;
const homeUrl = guide.site.postLogoutRedirectUris?.[0] as string;

let gateway: TestGateway;
/** The plugin's endpoint settings: typed in by the admin, as the guide's table says. */
let settings: { login: string; userinfo: string; token: string; endSession: string; scope: string };
before(async () => {
  gateway = await startGuideGateway(guide);
  settings = {
    login: `${gateway.url}/authorize`,
    userinfo: `${gateway.url}/userinfo`,
    token: `${gateway.url}/token`,
    endSession: `${gateway.url}/logout`,
    scope: 'openid profile email',
  };
});
after(() => gateway.close());

/** get_authentication_url: its sprintf format with PHP's rawurlencode, and new_state's md5 hex. */
function pluginAuthorizationUrl(scope: string): { url: string; state: string } {
  const state = createHash('md5').update(randomBytes(16)).digest('hex');
  const url =
    `${settings.login}?response_type=code&scope=${encodeURIComponent(scope)}` +
    `&client_id=${encodeURIComponent(guide.id)}&state=${state}&redirect_uri=${encodeURIComponent(redirectUri)}`;
  return { url, state };
}

/** request_authentication_token: client_secret_post, and the scope in the body too. */
function tokenRequest(code: string, scope: string) {
  return postForm(settings.token, {
    code,
    client_id: guide.id,
    client_secret: guide.secret,
    redirect_uri: redirectUri,
    grant_type: 'authorization_code',
    scope,
  });
}

interface WordPressLogin {
  browser: Browser;
  tokens: Record<string, unknown>;
  idClaim: Record<string, unknown>;
  userClaim: Record<string, unknown>;
}

/** authentication_request_callback from the start of the login to validate_user_claim. */
async function wordpressLogin(): Promise<WordPressLogin> {
  const { url, state } = pluginAuthorizationUrl(settings.scope);
  const browser = new Browser();
  const callback = callbackParams(await devLoginAt(url, redirectUri, ada, browser), redirectUri);
  // The plugin's own query parameter survives next to code and state.
  assert.equal(callback.get('action'), 'openid-connect-authorize');
  assert.equal(callback.get('state'), state);

  const token = await tokenRequest(callback.get('code') as string, settings.scope);
  assert.equal(token.status, 200, JSON.stringify(token.body));
  // validate_token_response: id_token set, token_type Bearer compared case-insensitively.
  assert.equal(typeof token.body.id_token, 'string');
  assert.equal(String(token.body.token_type).toLowerCase(), 'bearer');
  // get_id_token_claim decodes without verifying; validate_id_token_claim needs a sub.
  const idClaim = decodedPayload(token.body.id_token as string);
  assert.ok(typeof idClaim.sub === 'string' && idClaim.sub.length > 0, 'the ID token names a sub');

  const userinfo = await getUserinfo(settings.userinfo, token.body.access_token as string);
  assert.equal(userinfo.status, 200, JSON.stringify(userinfo.body));
  // validate_user_claim: `!==` on the two subs.
  assert.equal(userinfo.body.sub, idClaim.sub);
  return { browser, tokens: token.body, idClaim, userClaim: userinfo.body };
}

describe('WordPress (OpenID Connect Generic Client) against the guide’s site block', () => {
  test('a user logs in with state only and client_secret_post, and the plugin finds its email, username and nickname', async () => {
    const login = await wordpressLogin();
    // Email Formatting {email}; Identity Key and Nickname Key name, as the guide sets them.
    assert.equal(login.userClaim.email, ada.email);
    assert.equal(login.userClaim.name, ada.name);
    // The plugin does not verify the ID token; it is valid all the same.
    const claims = await verifiedIdToken(await discover(gateway), login.tokens.id_token, {
      audience: guide.id,
    });
    assert.equal(claims.sub, login.idClaim.sub);
  });

  test('once the access token expired, ensure_tokens_still_fresh refreshes with client_secret_post, twice in a row', async () => {
    const login = await wordpressLogin();
    let refreshToken = login.tokens.refresh_token as string;
    for (let page = 0; page < 2; page++) {
      gateway.clock.advance((login.tokens.expires_in as number) * 1000 + 1000);
      const refreshed = await postForm(settings.token, {
        refresh_token: refreshToken,
        client_id: guide.id,
        client_secret: guide.secret,
        grant_type: 'refresh_token',
      });
      // get_token_response: an error logs the user out of WordPress.
      assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
      assert.equal(refreshed.body.error, undefined);
      assert.equal(typeof refreshed.body.access_token, 'string');
      refreshToken = refreshed.body.refresh_token as string;
    }
  });

  test('the plugin’s logout URL (id_token_hint, post_logout_redirect_uri = home_url()) returns the user to the blog', async () => {
    const login = await wordpressLogin();
    // get_end_session_logout_redirect_url: PHP's urlencode of the redirect, no client_id, no state.
    const url = `${settings.endSession}?id_token_hint=${login.tokens.id_token as string}&post_logout_redirect_uri=${encodeURIComponent(homeUrl)}`;
    const done = await confirmLogout(gateway, login.browser, url);
    assert.equal(done.response.status, 303, done.body.slice(0, 300));
    // Exactly the registered URI (no state was sent).
    assert.equal(done.response.headers.get('location'), homeUrl);
  });

  test('with the plugin’s default empty OpenID Scope there is no id_token, which it refuses (why the guide sets the scope)', async () => {
    const { url } = pluginAuthorizationUrl('');
    const callback = callbackParams(await devLoginAt(url, redirectUri), redirectUri);
    const token = await tokenRequest(callback.get('code') as string, '');
    assert.equal(token.status, 200, JSON.stringify(token.body));
    assert.equal(
      token.body.id_token,
      undefined,
      'validate_token_response would fail: Invalid token response',
    );
  });
});
