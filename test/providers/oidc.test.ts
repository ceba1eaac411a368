import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertSiteError, loginCommenter, providerLogin, redeemLogin, siteParams } from '../support/flow.js';
import { listenOnFreePort, startGateway, type TestGateway } from '../support/gateway.js';
import { oidcProviderConfig } from '../support/oidc-double.js';
import { type OidcPeer, startOidcPeer } from '../support/oidc-peer.js';
import { userinfo, verifyCommenter } from '../support/tokens.js';

let peer: OidcPeer;
let gateway: TestGateway;

before(async () => {
  peer = await startOidcPeer();
  const listening = await listenOnFreePort();
  peer.register(`${listening.url}/auth/acme/callback`);
  gateway = await startGateway({
    listening,
    config: {
      providers: {
        acme: oidcProviderConfig(peer),
      },
    },
  });
});
after(async () => {
  await gateway.close();
  await peer.close();
});

test('a full login through a real OpenID provider yields a token the verify SDK accepts', async () => {
  peer.account = {
    sub: 'alice-123',
    name: 'Alice Example',
    email: 'alice@example.com',
    email_verified: true,
    picture: 'https://img.example/alice.png',
    website: 'https://alice.example',
  };
  const login = await providerLogin(gateway, 'acme', { params: { nonce: 'n-0S6_WzA2Mj' } });
  const code = siteParams(login.location).get('code');
  assert.ok(code, `expected a code, got ${login.location}`);
  const { status, body } = await redeemLogin(gateway, login);
  assert.equal(status, 200);
  const commenter = await verifyCommenter(gateway, body.access_token as string);
  assert.deepEqual(
    {
      sub: commenter.sub,
      name: commenter.name,
      email: commenter.email,
      emailVerified: commenter.emailVerified,
      picture: commenter.picture,
      website: commenter.website,
      idp: commenter.idp,
      nonce: commenter.claims.nonce,
    },
    {
      sub: 'acme:alice-123',
      name: 'Alice Example',
      email: 'alice@example.com',
      emailVerified: true,
      picture: 'https://img.example/alice.png',
      website: 'https://alice.example/',
      idp: 'acme',
      nonce: 'n-0S6_WzA2Mj',
    },
  );
  const claims = await userinfo(gateway, body.access_token as string);
  assert.equal(claims.status, 200);
  assert.equal(claims.body.sub, 'acme:alice-123');
});

test('Byline sends state, nonce and an S256 PKCE challenge to the provider', async () => {
  peer.requests.length = 0;
  await providerLogin(gateway, 'acme');
  const authRequest = peer.requests.find((line) => line.startsWith('GET /auth?'));
  assert.ok(authRequest);
  const params = new URL(authRequest.slice(4), peer.issuer).searchParams;
  assert.ok(params.get('state'));
  assert.ok(params.get('nonce'));
  assert.equal(params.get('code_challenge_method'), 'S256');
  assert.equal(params.get('redirect_uri'), `${gateway.url}/auth/acme/callback`);
});

test('an unverified email at the provider is not verified in the token, and javascript: URLs are dropped', async () => {
  peer.account = {
    sub: 'bob',
    name: 'Bob',
    email: 'bob@example.com',
    email_verified: false,
    website: 'javascript:alert(1)',
  };
  const commenter = await loginCommenter(gateway, await providerLogin(gateway, 'acme'));
  assert.equal(commenter.emailVerified, false);
  assert.equal(commenter.website, undefined);
});

test('a refusal at the provider reaches the site as access_denied with its state and no code', async () => {
  peer.deny = true;
  try {
    const { location } = await providerLogin(gateway, 'acme');
    assertSiteError(location, 'access_denied', { iss: gateway.url });
  } finally {
    peer.deny = false;
  }
});

test('in web_message mode the page posts the code to the registered origin only', async () => {
  const { hop } = await providerLogin(gateway, 'acme', {
    params: { responseMode: 'web_message', redirectUri: 'https://blog.example' },
  });
  const { response, body } = hop;
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('cache-control'), 'no-store');
  assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
  assert.equal(response.headers.get('cross-origin-opener-policy'), 'unsafe-none');
  const payload = JSON.parse(
    /<script type="application\/json" id="byline-response">(.*?)<\/script>/s.exec(body)?.[1] ?? '{}',
  );
  assert.equal(payload.origin, 'https://blog.example');
  assert.equal(payload.response.state, 'state-123');
  assert.equal(payload.response.iss, gateway.url);
  assert.match(payload.response.code, /^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
  assert.doesNotMatch(body, /postMessage\([^)]*'\*'/);
});
