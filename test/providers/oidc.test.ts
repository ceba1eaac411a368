import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createVerifier } from 'byline-gateway/verify';
import { Browser } from '../support/browser.js';
import { authorizeUrl, redeem, redeemLogin, siteParams } from '../support/flow.js';
import { listenOnFreePort, startGateway, type TestGateway } from '../support/gateway.js';
import { type OidcPeer, startOidcPeer } from '../support/oidc-peer.js';
import { pkce } from '../support/pkce.js';

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
        acme: {
          type: 'oidc',
          name: 'Acme ID',
          issuer: peer.issuer,
          clientId: peer.clientId,
          clientSecret: peer.clientSecret,
        },
      },
    },
  });
});
after(async () => {
  await gateway.close();
  await peer.close();
});

async function login(params: { nonce?: string; responseMode?: 'web_message' } = {}) {
  const browser = new Browser();
  const { verifier, challenge } = pkce();
  const redirectUri =
    params.responseMode === 'web_message' ? 'https://blog.example' : 'https://blog.example/callback';
  const result = await browser.follow(
    authorizeUrl(gateway, challenge, { idp: 'acme', redirectUri, ...params }),
    {},
    (location) => location.startsWith('https://blog.example'),
  );
  return { ...result, verifier };
}

test('a full login through a real OpenID provider yields a token the verify SDK accepts', async () => {
  peer.account = {
    sub: 'alice-123',
    name: 'Alice Example',
    email: 'alice@example.com',
    email_verified: true,
    picture: 'https://img.example/alice.png',
    website: 'https://alice.example',
  };
  const { location, verifier } = await login({ nonce: 'n-0S6_WzA2Mj' });
  const code = siteParams(location).get('code');
  assert.ok(code, `expected a code, got ${location}`);
  const { status, body } = await redeem(gateway, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: 'https://blog.example/callback',
    code_verifier: verifier,
    client_id: 'blog',
  });
  assert.equal(status, 200);
  const commenter = await createVerifier({ issuer: gateway.url, audience: 'blog' }).verify(
    body.access_token as string,
  );
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
  const userinfo = await fetch(`${gateway.url}/userinfo`, {
    headers: { authorization: `Bearer ${body.access_token}` },
  });
  assert.equal(userinfo.status, 200);
  assert.equal(((await userinfo.json()) as { sub: string }).sub, 'acme:alice-123');
});

test('Byline sends state, nonce and an S256 PKCE challenge to the provider', async () => {
  peer.requests.length = 0;
  await login();
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
  const { location, verifier } = await login();
  const { body } = await redeemLogin(gateway, { location, verifier });
  const commenter = await createVerifier({ issuer: gateway.url, audience: 'blog' }).verify(
    body.access_token as string,
  );
  assert.equal(commenter.emailVerified, false);
  assert.equal(commenter.website, undefined);
});

test('a refusal at the provider reaches the site as access_denied with its state and no code', async () => {
  peer.deny = true;
  try {
    const { location } = await login();
    const params = siteParams(location);
    assert.equal(params.get('error'), 'access_denied');
    assert.equal(params.get('state'), 'state-123');
    assert.equal(params.get('iss'), gateway.url);
    assert.equal(params.get('code'), null);
  } finally {
    peer.deny = false;
  }
});

test('in web_message mode the page posts the code to the registered origin only', async () => {
  const { response, body } = await login({ responseMode: 'web_message' });
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
