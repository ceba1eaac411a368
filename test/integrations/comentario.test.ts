// Comentario's OIDC identity provider (goth's openidConnect provider over golang.org/x/oauth2), replayed
// request by request against Byline started with the site block of docs/integrations/comentario.md:
// discovery at start-up, an authorization request with state only (no nonce, no PKCE), the token request
// with form-encoded Basic credentials, the ID token checks (aud, iss, exp) and userinfo (sub equal, then
// the email, name and picture Comentario requires or takes).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { TestGateway } from '../support/gateway.js';
import { startGateway } from '../support/gateway.js';
import { basicAuth } from '../support/tokens.js';
import {
  callbackParams,
  discover,
  endpoint,
  getUserinfo,
  guideSite,
  postForm,
  startGuideGateway,
  verifiedIdToken,
} from './guide.js';
import { ada, devLoginAt } from './reader.js';

const guide = guideSite('comentario');
const redirectUri = guide.site.redirectUris[0] as string;
// The guide's secrets.yaml scopes; goth appends openid when it is missing.
const scopes = ['profile', 'email', 'openid'];

let gateway: TestGateway;
before(async () => {
  gateway = await startGuideGateway(guide);
});
after(() => gateway.close());

/** AuthOauthInit: 64 random bytes, base64url with padding, as the state; goth's AuthCodeURL. */
function comentarioAuthorization(metadata: Record<string, unknown>): { url: URL; state: string } {
  const state = randomBytes(64).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
  const url = new URL(endpoint(metadata, 'authorization_endpoint'));
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: guide.id,
    redirect_uri: redirectUri,
    scope: scopes.join(' '),
    state,
  }).toString();
  return { url, state };
}

describe('Comentario (goth openidConnect) against the guide’s site block', () => {
  test('discovery gives goth the four values it keeps, so Comentario starts', async () => {
    const metadata = await discover(gateway);
    assert.equal(endpoint(metadata, 'issuer'), gateway.url);
    for (const key of ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint'])
      endpoint(metadata, key);
  });

  test('a commenter logs in with state only, Basic client authentication, and Comentario gets sub, email and name', async () => {
    const metadata = await discover(gateway);
    const { url, state } = comentarioAuthorization(metadata);
    assert.ok(state.endsWith('='), 'a padded state, as Comentario makes it');
    const callback = callbackParams(await devLoginAt(url, redirectUri), redirectUri);
    // validateAuthSessionState: the state must come back exactly.
    assert.equal(callback.get('state'), state);

    // x/oauth2 tries Basic (each part form-encoded) first; a refusal would make it retry in the body.
    const token = await postForm(
      endpoint(metadata, 'token_endpoint'),
      { grant_type: 'authorization_code', code: callback.get('code') as string, redirect_uri: redirectUri },
      basicAuth(guide.id, guide.secret),
    );
    assert.equal(token.status, 200, JSON.stringify(token.body));
    // Session.Authorize: token.Valid() needs an access token that has not expired; then id_token.(string).
    assert.equal(typeof token.body.access_token, 'string');
    assert.ok((token.body.expires_in as number) > 0, 'expires_in makes the token valid');
    const claims = await verifiedIdToken(metadata, token.body.id_token, { audience: guide.id });
    assert.equal(claims.nonce, undefined, 'no nonce was sent, none comes back');

    const userinfo = await getUserinfo(
      endpoint(metadata, 'userinfo_endpoint'),
      token.body.access_token as string,
    );
    assert.equal(userinfo.status, 200, JSON.stringify(userinfo.body));
    assert.equal(userinfo.body.sub, claims.sub, 'userinfo sub equals the ID token sub');
    // goth merges userinfo over the ID token; Comentario then requires UserID, Email and Name.
    const user = { ...claims, ...userinfo.body };
    assert.ok(typeof user.sub === 'string' && user.sub.length > 0, 'a user ID');
    assert.equal(user.email, ada.email);
    assert.equal(user.name, ada.name);
  });

  test('the same request without pkce: optional is sent back with invalid_request (why the guide sets it)', async () => {
    const { pkce: _optional, ...strict } = guide.site;
    const required = await startGateway({ config: { sites: { [guide.id]: strict } }, env: guide.env });
    try {
      const { url, state } = comentarioAuthorization(await discover(required));
      const page = await fetch(url, { redirect: 'manual' });
      const location = new URL(page.headers.get('location') as string);
      assert.equal(location.origin + location.pathname, new URL(redirectUri).href);
      assert.equal(location.searchParams.get('error'), 'invalid_request');
      assert.equal(location.searchParams.get('state'), state);
      assert.equal(location.searchParams.get('code'), null);
    } finally {
      await required.close();
    }
  });
});
