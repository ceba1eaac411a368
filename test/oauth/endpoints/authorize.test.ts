import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Browser } from '../../support/browser.js';
import { authorizeUrl, devLogin, siteParams } from '../../support/flow.js';
import { startGateway, type TestGateway } from '../../support/gateway.js';
import { pkce } from '../../support/pkce.js';

let gateway: TestGateway;
before(async () => {
  gateway = await startGateway({
    config: {
      sites: {
        blog: {
          name: 'Test Blog',
          origins: ['https://blog.example'],
          redirectUris: ['https://blog.example/callback', 'https://blog.example/cb?x=1'],
        },
        other: {
          origins: ['https://other.example'],
          redirectUris: ['https://other.example/callback'],
          providers: [],
        },
      },
    },
  });
});
after(() => gateway.close());

const { challenge } = pkce();

function withParams(overrides: Record<string, string | null>, repeat: Record<string, string> = {}): URL {
  const url = authorizeUrl(gateway, challenge);
  for (const [name, value] of Object.entries(overrides)) {
    if (value === null) url.searchParams.delete(name);
    else url.searchParams.set(name, value);
  }
  for (const [name, value] of Object.entries(repeat)) url.searchParams.append(name, value);
  return url;
}

async function get(url: URL) {
  const response = await fetch(url, { redirect: 'manual' });
  return { status: response.status, location: response.headers.get('location'), body: await response.text() };
}

describe('before the client is known, every problem is an error page and never a redirect', () => {
  const cases: [string, Record<string, string | null>][] = [
    ['an unknown client_id', { client_id: 'nobody' }],
    ['a missing client_id', { client_id: null }],
    ['a missing redirect_uri', { redirect_uri: null }],
    ['a protocol-relative redirect_uri', { redirect_uri: '//evil.example/callback' }],
    ['a backslash trick', { redirect_uri: 'https://blog.example\\@evil.example/callback' }],
    ['a path traversal', { redirect_uri: 'https://blog.example/callback/../evil' }],
    ['an extra path segment', { redirect_uri: 'https://blog.example/callback/extra' }],
    ['an extra query parameter', { redirect_uri: 'https://blog.example/callback?next=https://evil.example' }],
    ['a fragment', { redirect_uri: 'https://blog.example/callback#x' }],
    ['a different case', { redirect_uri: 'https://BLOG.example/callback' }],
    ['a subdomain suffix', { redirect_uri: 'https://blog.example.evil.example/callback' }],
    ['userinfo in the authority', { redirect_uri: 'https://blog.example@evil.example/callback' }],
    ['another site’s redirect_uri', { redirect_uri: 'https://other.example/callback' }],
    ['http instead of https', { redirect_uri: 'http://blog.example/callback' }],
    ['a javascript: URI', { redirect_uri: 'javascript:alert(1)' }],
    ['a trailing space', { redirect_uri: 'https://blog.example/callback ' }],
    ['an origin without web_message mode', { redirect_uri: 'https://blog.example' }],
    [
      'a path in web_message mode',
      { response_mode: 'web_message', redirect_uri: 'https://blog.example/callback' },
    ],
    [
      'an unregistered origin in web_message mode',
      { response_mode: 'web_message', redirect_uri: 'https://evil.example' },
    ],
  ];
  for (const [name, overrides] of cases) {
    test(`${name} gets a 400 page`, async () => {
      const { status, location, body } = await get(withParams(overrides));
      assert.equal(status, 400);
      assert.equal(location, null);
      assert.match(body, /<html/);
      assert.doesNotMatch(body, /evil\.example/);
    });
  }

  test('a repeated redirect_uri gets a 400 page', async () => {
    const { status, location } = await get(withParams({}, { redirect_uri: 'https://blog.example/callback' }));
    assert.equal(status, 400);
    assert.equal(location, null);
  });

  test('a registered redirect_uri with its own query is matched exactly and keeps that query', async () => {
    const { status, location } = await get(
      withParams({ redirect_uri: 'https://blog.example/cb?x=1', prompt: 'none' }),
    );
    assert.equal(status, 302);
    const target = new URL(location as string);
    assert.equal(target.searchParams.get('x'), '1');
    assert.equal(target.searchParams.get('error'), 'login_required');
  });
});

describe('once the client is known, problems go back to the site as error=invalid_request', () => {
  const cases: [string, Record<string, string | null>, string][] = [
    // A missing state is fine with PKCE (OAuth 2.1); without PKCE it is refused: oauth/endpoints/openid.test.ts.
    ['a missing code_challenge', { code_challenge: null }, 'invalid_request'],
    ['a challenge without a method (plain)', { code_challenge_method: null }, 'invalid_request'],
    ['the plain method', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['a malformed challenge', { code_challenge: 'short' }, 'invalid_request'],
    ['an unknown idp', { idp: 'myspace' }, 'invalid_request'],
    ['an unknown prompt', { prompt: 'create' }, 'invalid_request'],
    ['response_type token', { response_type: 'token' }, 'unsupported_response_type'],
    ['an unknown response_mode', { response_mode: 'fragment' }, 'invalid_request'],
  ];
  for (const [name, overrides, error] of cases) {
    test(`${name} → ${error}`, async () => {
      const { status, location } = await get(withParams(overrides));
      assert.equal(status, 302);
      const params = siteParams(location ?? undefined);
      assert.equal(
        new URL(location as string).origin + new URL(location as string).pathname,
        'https://blog.example/callback',
      );
      assert.equal(params.get('error'), error);
      assert.equal(params.get('iss'), gateway.url);
      assert.equal(params.get('code'), null);
      assert.equal(params.get('state'), 'state-123');
    });
  }

  test('an idp the site does not offer is invalid_request', async () => {
    const url = authorizeUrl(gateway, challenge, {
      site: 'other',
      redirectUri: 'https://other.example/callback',
      idp: 'dev',
    });
    const params = siteParams((await get(url)).location ?? undefined);
    assert.equal(params.get('error'), 'invalid_request');
  });

  test('in web_message mode the error is posted to the registered origin', async () => {
    const url = withParams({
      response_mode: 'web_message',
      redirect_uri: 'https://blog.example',
      code_challenge: null,
    });
    const { status, body } = await get(url);
    assert.equal(status, 200);
    assert.match(body, /"error":"invalid_request"/);
    assert.match(body, /"origin":"https:\/\/blog.example"/);
  });
});

describe('the chooser and the browser session', () => {
  test('without idp the chooser lists the site’s providers by name and sets the transaction cookie', async () => {
    const browser = new Browser();
    const hop = await browser.request(authorizeUrl(gateway, challenge));
    assert.equal(hop.response.status, 200);
    assert.match(hop.body, /Log in to comment on Test Blog/);
    assert.match(hop.body, /href="\/auth\/dev\?ar=[\w-]+"/);
    assert.match(hop.body, /">Log in with Dev login</);
    const setCookie = hop.response.headers.getSetCookie().join('\n');
    assert.match(setCookie, /byline_tx=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax/);
  });

  test('a logged-in reader goes straight back to the site with a new code, unless a login is forced', async () => {
    const first = await devLogin(gateway, { name: 'Session Reuser' });
    assert.ok(siteParams(first.location).get('code'));
    const again = await first.browser.request(authorizeUrl(gateway, challenge));
    assert.equal(again.response.status, 302);
    assert.ok(siteParams(again.response.headers.get('location') ?? undefined).get('code'));

    const forced = await first.browser.request(
      authorizeUrl(gateway, challenge, { prompt: 'select_account' }),
    );
    assert.equal(forced.response.status, 200);
    assert.match(forced.body, /Log in to comment/);
  });

  test('a new login replaces the browser session id (no session fixation)', async () => {
    const first = await devLogin(gateway, { name: 'Fixation Test' });
    const before = first.browser.cookie('byline_session');
    await devLogin(gateway, { name: 'Fixation Test', browser: first.browser, params: { prompt: 'login' } });
    const afterLogin = first.browser.cookie('byline_session');
    assert.ok(before && afterLogin);
    assert.notEqual(before, afterLogin);
  });

  test('prompt=none without a session answers login_required', async () => {
    const { location } = await get(withParams({ prompt: 'none' }));
    assert.equal(siteParams(location ?? undefined).get('error'), 'login_required');
  });

  test('an authorization request cannot be continued from another browser', async () => {
    const owner = new Browser();
    const chooser = await owner.request(authorizeUrl(gateway, challenge));
    const link = /href="(\/auth\/dev\?ar=[\w-]+)"/.exec(chooser.body)?.[1] as string;
    const thief = await new Browser().request(new URL(link, gateway.url));
    assert.equal(thief.response.status, 400);
    assert.equal(thief.response.headers.get('location'), null);
  });
});

describe('the upstream callback', () => {
  test('a forged, missing or replayed state is a 400 page and never reaches the site', async () => {
    const browser = new Browser();
    for (const query of ['', '?state=forged&code=x', '?state=a&state=b&code=x']) {
      const hop = await browser.request(`${gateway.url}/auth/dev/callback${query}`);
      assert.equal(hop.response.status, 400, query);
      assert.equal(hop.response.headers.get('location'), null);
    }
  });

  test('a transaction started for one provider cannot finish at another provider’s callback', async () => {
    const local = await startGateway({
      config: { providers: { dev: { type: 'dev' }, 'dev-two': { type: 'dev', name: 'Second dev' } } },
    });
    try {
      const browser = new Browser();
      const start = await browser.follow(authorizeUrl(local, challenge, { idp: 'dev' }), {}, (l) =>
        l.includes('/dev-idp/auth'),
      );
      const state = new URL(start.location as string).searchParams.get('state');
      const wrong = await browser.request(`${local.url}/auth/dev-two/callback?state=${state}&code=abc`);
      assert.equal(wrong.response.status, 400);
      const burned = await browser.request(`${local.url}/auth/dev/callback?state=${state}&code=abc`);
      assert.equal(burned.response.status, 400, 'the transaction was burned by the failed attempt');
    } finally {
      await local.close();
    }
  });
});
