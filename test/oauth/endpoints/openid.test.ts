// Byline as an OpenID Provider (OpenID Connect Core 1.0): scopes, ID tokens, what /authorize accepts
// and refuses, PKCE per site, form_post. Real relying-party libraries: test/integrations/.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { ConfigError } from '../../../src/config/errors.js';
import { parseConfig } from '../../../src/config/load.js';
import { Browser, findLink, formAction } from '../../support/browser.js';
import { authorizeUrl, devLogin, redeem, redeemLogin, siteParams } from '../../support/flow.js';
import { startGateway, type TestGateway, testSite } from '../../support/gateway.js';
import { pkce } from '../../support/pkce.js';

let gateway: TestGateway;
const confidential = {
  name: 'Forum',
  origins: ['https://forum.example'],
  redirectUris: ['https://forum.example/cb'],
  secret: 'forum-secret-0123456789',
  pkce: 'optional',
};
before(async () => {
  gateway = await startGateway({
    config: {
      sites: { blog: testSite, forum: confidential },
      rateLimits: { authorize: { points: 100_000, window: '1m' } },
    },
  });
});
after(() => gateway.close());

const toBlog = (to: string) => to.startsWith('https://blog.example/');

/** A dev login that starts at `url` (an /authorize URL) and ends at the site, or on a page of Byline's. */
async function loginAt(
  url: URL,
  browser = new Browser(),
  toSite = (to: string) => /^https:\/\/(blog|forum)\.example\//.test(to),
) {
  const chooser = await browser.follow(url, {}, toSite);
  if (chooser.location) return chooser;
  const link = findLink(chooser.body, '/auth/dev');
  assert.ok(link, `the chooser offers the dev login: ${chooser.body.slice(0, 200)}`);
  const form = await browser.follow(new URL(link, gateway.url), {}, toSite);
  const action = formAction(form.body);
  assert.ok(action, 'the dev login form');
  return browser.submit(new URL(action, form.url), { name: 'Form Poster', email: '' }, toSite);
}

async function get(url: URL) {
  const response = await fetch(url, { redirect: 'manual' });
  return { status: response.status, location: response.headers.get('location'), body: await response.text() };
}

async function idTokenClaims(idToken: unknown) {
  assert.equal(typeof idToken, 'string', 'an id_token');
  const jwks = await (await fetch(new URL('/.well-known/jwks.json', gateway.url))).json();
  const { payload, protectedHeader } = await jwtVerify(idToken as string, createLocalJWKSet(jwks), {
    issuer: gateway.url,
    audience: 'blog',
    currentDate: new Date(gateway.clock.now()),
  });
  return { payload, protectedHeader };
}

async function userinfo(accessToken: unknown, method: 'GET' | 'POST' = 'GET') {
  const response = await fetch(new URL('/userinfo', gateway.url), {
    method,
    headers: { authorization: `Bearer ${accessToken}` },
  });
  assert.equal(response.status, 200);
  return (await response.json()) as Record<string, unknown>;
}

describe('scopes and ID tokens', () => {
  test('with openid, the code exchange returns an RS256 ID token naming the reader, the nonce and the access token', async () => {
    const login = await devLogin(gateway, {
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      params: { scope: 'openid profile email', nonce: 'n-0S6_WzA2Mj' },
    });
    const { status, body } = await redeemLogin(gateway, login);
    assert.equal(status, 200);
    assert.equal(body.scope, 'openid profile email');
    const { payload, protectedHeader } = await idTokenClaims(body.id_token);
    assert.equal(protectedHeader.alg, 'RS256');
    assert.equal(protectedHeader.typ, 'JWT');
    assert.equal(payload.nonce, 'n-0S6_WzA2Mj');
    assert.equal(payload.azp, 'blog');
    assert.equal(payload.name, 'Ada Lovelace');
    assert.equal(payload.email, 'ada@example.com');
    assert.equal(payload.idp, 'dev');
    assert.equal(typeof payload.auth_time, 'number');
    assert.equal(typeof payload.sid, 'string');
    assert.equal(typeof payload.at_hash, 'string');
    const access = decodeProtectedHeader(body.access_token as string);
    assert.equal(access.typ, 'at+jwt', 'access tokens stay RFC 9068 tokens');
    assert.equal((await userinfo(body.access_token)).sub, payload.sub);
  });

  test('the refresh grant returns a new ID token with the same sub and auth_time and no nonce', async () => {
    const login = await devLogin(gateway, { params: { scope: 'openid profile', nonce: 'first-nonce' } });
    const first = await redeemLogin(gateway, login);
    const before = (await idTokenClaims(first.body.id_token)).payload;
    gateway.clock.advance(5_000);
    const refreshed = await redeem(gateway, {
      grant_type: 'refresh_token',
      refresh_token: first.body.refresh_token as string,
      client_id: 'blog',
    });
    assert.equal(refreshed.status, 200);
    const after = (await idTokenClaims(refreshed.body.id_token)).payload;
    assert.equal(after.sub, before.sub);
    assert.equal(after.auth_time, before.auth_time);
    assert.equal(after.nonce, undefined);
    assert.ok((after.iat as number) > (before.iat as number));
  });

  test('claims follow the scopes: openid alone gives sub only, email without profile gives no name', async () => {
    const only = await redeemLogin(gateway, await devLogin(gateway, { params: { scope: 'openid' } }));
    assert.deepEqual(Object.keys(await userinfo(only.body.access_token)), ['sub']);
    assert.deepEqual(Object.keys(await userinfo(only.body.access_token, 'POST')), ['sub']);
    const email = await redeemLogin(
      gateway,
      await devLogin(gateway, { email: 'e@example.com', params: { scope: 'openid email' } }),
    );
    const claims = await userinfo(email.body.access_token);
    assert.equal(claims.email, 'e@example.com');
    assert.equal(claims.name, undefined);
  });

  test('a request without scope gets every claim and no ID token, as before', async () => {
    const { body } = await redeemLogin(gateway, await devLogin(gateway, { name: 'Plain Widget' }));
    assert.equal(body.id_token, undefined);
    assert.equal(body.scope, undefined);
    assert.equal((await userinfo(body.access_token)).name, 'Plain Widget');
  });

  test('an unknown scope is invalid_scope at the redirect URI, and nothing is stored', async () => {
    const { challenge } = pkce();
    const answer = await get(authorizeUrl(gateway, challenge, { scope: 'openid admin' }));
    assert.equal(answer.status, 302);
    assert.equal(siteParams(answer.location ?? undefined).get('error'), 'invalid_scope');
  });
});

describe('what /authorize refuses with its own error code', () => {
  const cases: [string, string, string][] = [
    ['request', 'eyJhbGciOiJub25lIn0.e30.', 'request_not_supported'],
    ['request_uri', 'https://blog.example/request.jwt', 'request_uri_not_supported'],
    ['claims', '{"userinfo":{"email":null}}', 'invalid_request'],
  ];
  for (const [name, value, error] of cases)
    test(`${name} is answered ${error} through the redirect URI`, async () => {
      const url = authorizeUrl(gateway, pkce().challenge);
      url.searchParams.set(name, value);
      const answer = await get(url);
      assert.equal(siteParams(answer.location ?? undefined).get('error'), error);
    });

  test('prompt takes several values (login consent), but none only alone', async () => {
    const both = await get(authorizeUrl(gateway, pkce().challenge, { prompt: 'login consent' }));
    assert.equal(both.status, 200, 'the chooser: a new login is asked for');
    const mixed = await get(authorizeUrl(gateway, pkce().challenge, { prompt: 'none login' }));
    assert.equal(siteParams(mixed.location ?? undefined).get('error'), 'invalid_request');
  });

  test('a malformed max_age is invalid_request', async () => {
    const url = authorizeUrl(gateway, pkce().challenge, { scope: 'openid' });
    url.searchParams.set('max_age', '-1');
    assert.equal(siteParams((await get(url)).location ?? undefined).get('error'), 'invalid_request');
  });
});

describe('state and PKCE', () => {
  test('state may be omitted with PKCE: the response then carries none', async () => {
    const url = authorizeUrl(gateway, pkce().challenge);
    url.searchParams.delete('state');
    const params = siteParams((await loginAt(url)).location);
    assert.ok(params.get('code'));
    assert.equal(params.has('state'), false);
    assert.equal(params.get('iss'), gateway.url);
  });

  test('without PKCE a confidential site with pkce: optional must send state', async () => {
    const url = authorizeUrl(gateway, pkce().challenge, {
      site: 'forum',
      redirectUri: 'https://forum.example/cb',
    });
    url.searchParams.delete('code_challenge');
    url.searchParams.delete('code_challenge_method');
    url.searchParams.delete('state');
    assert.equal(siteParams((await get(url)).location ?? undefined).get('error'), 'invalid_request');
  });

  test('a site with pkce: required (the default) is refused a request without a challenge', async () => {
    const url = authorizeUrl(gateway, pkce().challenge);
    url.searchParams.delete('code_challenge');
    url.searchParams.delete('code_challenge_method');
    assert.equal(siteParams((await get(url)).location ?? undefined).get('error'), 'invalid_request');
  });

  test('a code issued without PKCE is redeemed only with the site secret', async () => {
    const run = async () => {
      const url = authorizeUrl(gateway, pkce().challenge, {
        site: 'forum',
        redirectUri: 'https://forum.example/cb',
        state: 'forum-state',
      });
      url.searchParams.delete('code_challenge');
      url.searchParams.delete('code_challenge_method');
      const login = await loginAt(url);
      return siteParams(login.location).get('code') as string;
    };
    const fields = {
      grant_type: 'authorization_code',
      redirect_uri: 'https://forum.example/cb',
      client_id: 'forum',
    };
    const publicTry = await redeem(gateway, { ...fields, code: await run() });
    assert.equal(publicTry.status, 400);
    assert.equal(publicTry.body.error, 'invalid_grant');
    const withSecret = await redeem(gateway, {
      ...fields,
      code: await run(),
      client_secret: confidential.secret,
    });
    assert.equal(withSecret.status, 200);
    // RFC 9700 §4.8.2: a verifier for a code issued without a challenge means the code was injected.
    const injected = await redeem(gateway, {
      ...fields,
      code: await run(),
      client_secret: confidential.secret,
      code_verifier: 'v'.repeat(43),
    });
    assert.equal(injected.status, 400);
    assert.equal(injected.body.error, 'invalid_grant');
  });

  test('pkce: optional is a config error for a site without a secret', () => {
    assert.throws(
      () =>
        parseConfig(
          {
            publicUrl: 'http://localhost:3000',
            sites: { blog: { ...testSite, secret: undefined, pkce: 'optional' } },
            providers: { dev: { type: 'dev' } },
          },
          { env: {} },
        ),
      (error: unknown) => error instanceof ConfigError && /sites\.blog\.pkce/.test(error.message),
    );
  });
});

describe('response modes and prompts', () => {
  test('form_post answers with a page that posts code, state and iss to the redirect URI', async () => {
    const login = await loginAt(authorizeUrl(gateway, pkce().challenge, { responseMode: 'form_post' }));
    assert.equal(login.location, undefined, 'no redirect carries the code');
    const page = login.body;
    assert.match(page, /<form method="post" action="https:\/\/blog\.example\/callback"/);
    assert.match(page, /name="code" value="[A-Za-z0-9_.-]+"/);
    assert.match(page, /name="state" value="state-123"/);
    assert.match(page, new RegExp(`name="iss" value="${gateway.url}"`));
  });

  test('prompt=consent asks the consent question even of a reader who is logged in (test/security/consent.test.ts)', async () => {
    const login = await devLogin(gateway);
    const again = await login.browser.follow(
      authorizeUrl(gateway, pkce().challenge, { prompt: 'consent' }),
      {},
      toBlog,
    );
    assert.equal(again.location, undefined, 'no silent code');
    assert.match(again.body, /Continue to Test Blog as <bdi>Ada Lovelace<\/bdi>\?/);
  });

  test('max_age: a login older than it is not reused silently, and prompt=none then answers login_required', async () => {
    const login = await devLogin(gateway, { params: { scope: 'openid' } });
    gateway.clock.advance(120_000);
    const fresh = await login.browser.follow(
      authorizeUrl(gateway, pkce().challenge, { scope: 'openid', maxAge: '300' }),
      {},
      toBlog,
    );
    assert.ok(siteParams(fresh.location).get('code'), 'a login younger than max_age is reused');
    const stale = await login.browser.follow(
      authorizeUrl(gateway, pkce().challenge, { scope: 'openid', maxAge: '60', prompt: 'none' }),
      {},
      toBlog,
    );
    assert.equal(siteParams(stale.location).get('error'), 'login_required');
  });
});

describe('discovery', () => {
  test('advertises the scopes, ID token algorithms, response modes and what is not supported', async () => {
    const document = (await (
      await fetch(new URL('/.well-known/openid-configuration', gateway.url))
    ).json()) as Record<string, unknown>;
    assert.deepEqual(document.scopes_supported, ['openid', 'profile', 'email', 'offline_access']);
    assert.deepEqual(document.id_token_signing_alg_values_supported, ['RS256']);
    assert.deepEqual(document.response_modes_supported, ['query', 'web_message', 'form_post']);
    assert.equal(document.claims_parameter_supported, false);
    assert.equal(document.request_parameter_supported, false);
    assert.equal(document.request_uri_parameter_supported, false);
    for (const claim of ['auth_time', 'at_hash', 'azp', 'sid'])
      assert.ok((document.claims_supported as string[]).includes(claim), claim);
  });
});
