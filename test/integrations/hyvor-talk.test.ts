// Hyvor Talk's OpenID Connect SSO, replayed as HYVOR's open-source OIDC client (hyvor/internal:
// OidcController, OidcApiService) makes it, against Byline started with the site block of
// docs/integrations/hyvor-talk.md (an untrusted site): issuer discovery, scope openid profile email with
// state and nonce and no PKCE, client_secret_post, and the commenter taken from the ID token alone after
// firebase/php-jwt verified it against the JWKS (kid and alg on every key; exp, nbf, iat; then the nonce
// and the required iss, sub, name and email).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { decodeProtectedHeader } from 'jose';
import { Browser } from '../support/browser.js';
import type { TestGateway } from '../support/gateway.js';
import {
  callbackParams,
  discover,
  endpoint,
  guideSite,
  postForm,
  startGuideGateway,
  verifiedIdToken,
} from './guide.js';
import { ada, devLoginAt } from './reader.js';

const guide = guideSite('hyvor-talk');
const redirectUri = guide.site.redirectUris[0] as string;

let gateway: TestGateway;
before(async () => {
  gateway = await startGuideGateway(guide);
});
after(() => gateway.close());

describe('Hyvor Talk (HYVOR’s OIDC client) against the guide’s site block', () => {
  test('a commenter logs in with state and nonce and no PKCE, and Hyvor Talk takes name and email from the verified ID token', async () => {
    // fetchWellKnownConfig: <issuer>/.well-known/openid-configuration with these four strings.
    const metadata = await discover(gateway);
    for (const key of ['issuer', 'authorization_endpoint', 'token_endpoint', 'jwks_uri'])
      endpoint(metadata, key);

    // oidcLogin: bin2hex(random_bytes(16)) for both, http_build_query of these parameters.
    const state = randomBytes(16).toString('hex');
    const nonce = randomBytes(16).toString('hex');
    const url = new URL(endpoint(metadata, 'authorization_endpoint'));
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: guide.id,
      redirect_uri: redirectUri,
      scope: 'openid profile email',
      state,
      nonce,
    }).toString();
    // A new browser: the reader chooses the site on Byline's chooser, which is their consent.
    const browser = new Browser();
    const callback = callbackParams(await devLoginAt(url, redirectUri, ada, browser), redirectUri);
    assert.equal(callback.get('state'), state, 'oidcCallback: Invalid state parameter otherwise');

    // getIdToken: client_secret_post; an answer without id_token is an error.
    const token = await postForm(endpoint(metadata, 'token_endpoint'), {
      grant_type: 'authorization_code',
      code: callback.get('code') as string,
      redirect_uri: redirectUri,
      client_id: guide.id,
      client_secret: guide.secret,
    });
    assert.equal(token.status, 200, JSON.stringify(token.body));
    assert.equal(typeof token.body.id_token, 'string');

    // JWK::parseKeySet without a default alg: every key needs alg (and kid, which JWT::decode looks up).
    const jwks = (await (await fetch(endpoint(metadata, 'jwks_uri'))).json()) as {
      keys: Array<Record<string, unknown>>;
    };
    for (const key of jwks.keys) {
      assert.equal(typeof key.kid, 'string', 'every JWK has a kid');
      assert.equal(typeof key.alg, 'string', 'every JWK has an alg');
    }
    const header = decodeProtectedHeader(token.body.id_token as string);
    const key = jwks.keys.find((candidate) => candidate.kid === header.kid);
    assert.ok(key, 'the ID token’s kid is in the JWKS');
    assert.equal(key.alg, header.alg, 'php-jwt refuses a key whose alg differs from the token’s');

    const claims = await verifiedIdToken(metadata, token.body.id_token, { audience: guide.id, nonce });
    const now = Math.floor(Date.now() / 1000);
    assert.ok(typeof claims.iat === 'number' && claims.iat <= now + 60, 'iat is not in the future');
    // OidcDecodedIdTokenDto: NotBlank nonce, iss, sub, name, email (an address); picture, website optional.
    for (const claim of ['iss', 'sub', 'name', 'email'])
      assert.ok(
        typeof claims[claim] === 'string' && (claims[claim] as string).length > 0,
        `${claim} present`,
      );
    assert.equal(claims.name, ada.name);
    assert.equal(claims.email, ada.email);
  });

  test('the guide leaves Hyvor Talk untrusted, and a reader who chose it once comes back without a Byline page', async () => {
    // HYVOR keeps commenters' names and addresses: readers confirm before it learns who they are.
    assert.notEqual(guide.site.trusted, true);
    const metadata = await discover(gateway);
    const authorization = () => {
      const url = new URL(endpoint(metadata, 'authorization_endpoint'));
      url.search = new URLSearchParams({
        response_type: 'code',
        client_id: guide.id,
        redirect_uri: redirectUri,
        scope: 'openid profile email',
        state: randomBytes(16).toString('hex'),
        nonce: randomBytes(16).toString('hex'),
      }).toString();
      return url;
    };
    const browser = new Browser();
    callbackParams(await devLoginAt(authorization(), redirectUri, ada, browser), redirectUri);
    // Hyvor Talk's "Login" button again (a new Hyvor session, another page): Byline remembers the choice.
    const again = await browser.follow(authorization(), {}, (location) => location.startsWith(redirectUri));
    assert.ok(again.location, `straight back to Hyvor Talk, not ${again.response.status} ${again.url}`);
    callbackParams(again.location, redirectUri);
  });
});
