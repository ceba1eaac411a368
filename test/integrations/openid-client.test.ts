// A real relying party, openid-client 6, logs readers in through Byline's dev login with nothing of
// Byline's code on its side: discovery, code + PKCE + state + nonce, its own ID token validation
// (signature from the JWKS, iss, aud, nonce, at_hash, exp), userinfo with the sub check, refresh.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeProtectedHeader } from 'jose';
import * as client from 'openid-client';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { ada, devLoginAt } from './reader.js';

const sites = {
  // A public client (a single-page app or an app on the reader's machine): PKCE, no secret.
  reader: {
    name: 'Reader',
    origins: ['https://reader.example'],
    redirectUris: ['https://reader.example/callback'],
  },
  // A server-side site authenticating with HTTP Basic (openid-client's ClientSecretBasic).
  forum: {
    name: 'Forum',
    origins: ['https://forum.example'],
    redirectUris: ['https://forum.example/callback'],
    secret: 'forum-secret-0123456789',
  },
  // A site that sends no PKCE and client_secret_post, as WordPress's OpenID Connect Generic Client does.
  press: {
    name: 'Press',
    origins: ['https://press.example'],
    redirectUris: ['https://press.example/callback'],
    secret: 'press-secret-0123456789',
    pkce: 'optional',
  },
  // A site whose ID tokens are ES256, for a client registered with id_token_signed_response_alg ES256.
  ledger: {
    name: 'Ledger',
    origins: ['https://ledger.example'],
    redirectUris: ['https://ledger.example/callback'],
    secret: 'ledger-secret-0123456789',
    idTokenAlgorithm: 'ES256',
  },
};

let gateway: TestGateway;
before(async () => {
  gateway = await startGateway({ config: { sites } });
});
after(() => gateway.close());

/** openid-client's discovery of Byline, plain http being allowed for the loopback test server only. */
function discover(
  clientId: string,
  metadata?: Partial<client.ClientMetadata> | string,
  auth?: client.ClientAuth,
): Promise<client.Configuration> {
  return client.discovery(new URL(gateway.url), clientId, metadata, auth, {
    execute: [client.allowInsecureRequests],
  });
}

interface Login {
  tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
  nonce: string;
}

/** The documented openid-client login: PKCE + state + nonce, a dev login in the browser, the code grant. */
async function logIn(config: client.Configuration, redirectUri: string, pkce = true): Promise<Login> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid profile email',
    state,
    nonce,
    ...(pkce
      ? { code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }
      : {}),
  });
  const callback = await devLoginAt(url, redirectUri);
  const tokens = await client.authorizationCodeGrant(config, new URL(callback), {
    ...(pkce ? { pkceCodeVerifier: verifier } : {}),
    expectedState: state,
    expectedNonce: nonce,
    idTokenExpected: true,
  });
  return { tokens, nonce };
}

/** The validated ID token's claims: openid-client has checked signature, iss, aud, exp, iat and nonce. */
function idClaims(
  tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers,
): client.IDToken {
  const claims = tokens.claims();
  assert.ok(claims, 'openid-client returns validated ID token claims');
  return claims;
}

describe('openid-client 6 against Byline', () => {
  test('discovery gives openid-client the endpoints and the ID token algorithm it needs', async () => {
    const config = await discover('reader', undefined, client.None());
    const metadata = config.serverMetadata();
    assert.equal(metadata.issuer, gateway.url);
    assert.equal(metadata.token_endpoint, `${gateway.url}/token`);
    assert.equal(metadata.userinfo_endpoint, `${gateway.url}/userinfo`);
    // RS256 by default, and ES256 for the one site that chose it.
    assert.deepEqual(metadata.id_token_signing_alg_values_supported?.toSorted(), ['ES256', 'RS256']);
    assert.deepEqual(metadata.scopes_supported?.toSorted(), ['email', 'offline_access', 'openid', 'profile']);
    assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
    assert.equal(metadata.authorization_response_iss_parameter_supported, true);
  });

  test('a public site logs a reader in with PKCE, state and nonce, and openid-client validates the ID token', async () => {
    const config = await discover('reader', undefined, client.None());
    const loginStart = Math.floor(gateway.clock.now() / 1000);
    const { tokens, nonce } = await logIn(config, 'https://reader.example/callback');
    const claims = idClaims(tokens);
    assert.equal(claims.iss, gateway.url);
    assert.equal(claims.aud, 'reader');
    assert.equal(claims.azp, 'reader');
    assert.equal(claims.nonce, nonce);
    assert.equal(typeof claims.sub, 'string');
    assert.ok(claims.sub.length > 0, 'a subject');
    assert.equal(claims.name, ada.name);
    assert.equal(claims.email, ada.email);
    assert.equal(claims.idp, 'dev');
    assert.equal(typeof claims.sid, 'string');
    assert.equal(typeof claims.at_hash, 'string');
    assert.ok(
      typeof claims.auth_time === 'number' && claims.auth_time >= loginStart,
      'auth_time is the login',
    );
    assert.ok(claims.auth_time <= claims.iat, 'auth_time is not after iat');
    // RS256, the algorithm RP libraries assume when a client registers none.
    assert.equal(decodeProtectedHeader(tokens.id_token as string).alg, 'RS256');
    assert.equal(tokens.token_type.toLowerCase(), 'bearer');
    assert.equal(tokens.scope, 'openid profile email');
    assert.equal(typeof tokens.refresh_token, 'string');

    const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    assert.equal(userinfo.sub, claims.sub);
    assert.equal(userinfo.name, ada.name);
    assert.equal(userinfo.email, ada.email);
  });

  test('the refresh grant gives openid-client a new ID token with the same sub and auth_time and no nonce', async () => {
    const config = await discover('reader', undefined, client.None());
    const { tokens } = await logIn(config, 'https://reader.example/callback');
    const first = idClaims(tokens);
    // Two seconds on Byline's clock (well inside openid-client's 30 s tolerance), so that iat moves.
    gateway.clock.advance(2_000);
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token as string);
    const claims = idClaims(refreshed);
    assert.equal(claims.sub, first.sub);
    assert.equal(claims.auth_time, first.auth_time);
    assert.equal(claims.aud, 'reader');
    assert.equal(claims.nonce, undefined, 'a refreshed ID token carries no nonce (Core §12.2)');
    assert.ok(claims.iat > first.iat, 'a new ID token');
    assert.equal(claims.name, ada.name);
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token, 'refresh tokens rotate');
    assert.notEqual(refreshed.access_token, tokens.access_token);
    const userinfo = await client.fetchUserInfo(config, refreshed.access_token, first.sub);
    assert.equal(userinfo.email, ada.email);
  });

  test('a confidential site authenticates with client_secret_basic, and a wrong secret is refused', async () => {
    const secret = sites.forum.secret;
    const config = await discover('forum', secret, client.ClientSecretBasic(secret));
    const { tokens } = await logIn(config, 'https://forum.example/callback');
    const claims = idClaims(tokens);
    assert.equal(claims.aud, 'forum');
    assert.equal(claims.name, ada.name);
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token as string);
    assert.equal(idClaims(refreshed).sub, claims.sub);

    const wrong = await discover('forum', 'not-the-forum-secret-42', client.ClientSecretBasic());
    await assert.rejects(
      client.refreshTokenGrant(wrong, refreshed.refresh_token as string),
      // RFC 6749 §5.2: a client that authenticated with the Authorization header gets 401 and a challenge.
      (error: unknown) =>
        error instanceof client.WWWAuthenticateChallengeError &&
        error.status === 401 &&
        error.cause[0]?.scheme === 'basic',
    );
  });

  test('a site with pkce: optional logs in with client_secret_post, state and nonce and no PKCE', async () => {
    const secret = sites.press.secret;
    const config = await discover('press', secret, client.ClientSecretPost(secret));
    const { tokens, nonce } = await logIn(config, 'https://press.example/callback', false);
    const claims = idClaims(tokens);
    assert.equal(claims.aud, 'press');
    assert.equal(claims.nonce, nonce);
    assert.equal(claims.email, ada.email);
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    assert.equal(userinfo.name, ada.name);
  });

  test('a site whose ID tokens are ES256 is validated by a client registered for ES256', async () => {
    const secret = sites.ledger.secret;
    const config = await discover(
      'ledger',
      { client_secret: secret, id_token_signed_response_alg: 'ES256' },
      client.ClientSecretBasic(secret),
    );
    const { tokens } = await logIn(config, 'https://ledger.example/callback');
    const claims = idClaims(tokens);
    assert.equal(claims.aud, 'ledger');
    assert.equal(claims.name, ada.name);
  });
});
