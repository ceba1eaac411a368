// remark42's custom OAuth2 provider (go-pkgz/auth over golang.org/x/oauth2), replayed request by request
// against Byline started with the site block of docs/integrations/remark42.md: the authorization request
// LoginHandler redirects to (state, the configured scopes, no PKCE), the token request with form-encoded
// Basic credentials, and the userinfo call AuthHandler maps to a commenter (sub, name, picture, email).
// remark42 reads no ID token.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { TestGateway } from '../support/gateway.js';
import { basicAuth } from '../support/tokens.js';
import { callbackParams, getUserinfo, guideSite, postForm, startGuideGateway } from './guide.js';
import { ada, devLoginAt } from './reader.js';

const guide = guideSite('remark42');
const redirectUri = guide.site.redirectUris[0] as string;
const providerName = 'byline'; // AUTH_CUSTOM_NAME in the guide

let gateway: TestGateway;
/** The guide's AUTH_CUSTOM_* values. */
let env: { authUrl: string; tokenUrl: string; infoUrl: string; scopes: string[] };
before(async () => {
  gateway = await startGuideGateway(guide);
  env = {
    authUrl: `${gateway.url}/authorize`,
    tokenUrl: `${gateway.url}/token`,
    infoUrl: `${gateway.url}/userinfo`,
    scopes: ['profile', 'email'],
  };
});
after(() => gateway.close());

describe('remark42 (custom OAuth2 provider) against the guide’s site block', () => {
  test('a commenter logs in without PKCE, and remark42 maps userinfo to its user: id from sub, name, email', async () => {
    // makeRedirURL: <REMARK_URL>/auth/<name>/callback, which the guide registers.
    assert.equal(new URL(redirectUri).pathname, `/auth/${providerName}/callback`);
    // randToken: SHA-1 hex of 32 random bytes; AuthCodeURL(state).
    const state = createHash('sha1').update(randomBytes(32)).digest('hex');
    const url = new URL(env.authUrl);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: guide.id,
      redirect_uri: redirectUri,
      scope: env.scopes.join(' '),
      state,
    }).toString();
    const callback = callbackParams(await devLoginAt(url, redirectUri), redirectUri);
    // AuthHandler: "unexpected state" otherwise.
    assert.equal(callback.get('state'), state);

    // Exchange: x/oauth2 tries Basic (form-encoded parts) first.
    const token = await postForm(
      env.tokenUrl,
      { grant_type: 'authorization_code', code: callback.get('code') as string, redirect_uri: redirectUri },
      basicAuth(guide.id, guide.secret),
    );
    assert.equal(token.status, 200, JSON.stringify(token.body));
    assert.equal(typeof token.body.access_token, 'string');
    // oauth2.Token.Type() turns any case of bearer into "Bearer" for the userinfo call.
    assert.equal(String(token.body.token_type).toLowerCase(), 'bearer');

    const userinfo = await getUserinfo(env.infoUrl, token.body.access_token as string);
    // Any status outside 2xx fails the login ("failed to get user info").
    assert.equal(userinfo.status, 200, JSON.stringify(userinfo.body));
    // MapUserFn with the default fields: sub, name, picture, email.
    assert.ok(typeof userinfo.body.sub === 'string' && userinfo.body.sub.length > 0, 'a sub to hash');
    const user = {
      id: `${providerName}_${createHash('sha1')
        .update(userinfo.body.sub as string)
        .digest('hex')}`,
      name: userinfo.body.name,
      picture: userinfo.body.picture ?? '',
      email: userinfo.body.email,
    };
    assert.equal(user.name, ada.name);
    assert.equal(user.email, ada.email);
    assert.match(user.id, /^byline_[0-9a-f]{40}$/);
  });
});
