// OpenID RP-Initiated Logout 1.0 on /logout: id_token_hint, client_id, post_logout_redirect_uri, state
// and ui_locales, with the confirmation page and its CSRF rules as before.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import * as client from 'openid-client';
import { rotateKeys } from '../../../src/tokens/rotate.js';
import type { Browser, Hop } from '../../support/browser.js';
import { authorizeUrl, callbackUri, devTokens, type LoggedIn, postLogout } from '../../support/flow.js';
import { startGateway, type TestGateway, testSite } from '../../support/gateway.js';
import { pkce } from '../../support/pkce.js';
import { userinfoStatus } from '../../support/tokens.js';

const loggedOutPage = 'https://blog.example/logged-out';
const blog = { ...testSite, postLogoutRedirectUris: [loggedOutPage] };
const other = {
  origins: ['https://other.example'],
  redirectUris: ['https://other.example/callback'],
  postLogoutRedirectUris: ['https://other.example/bye'],
};

let gateway: TestGateway;
before(async () => {
  gateway = await startGateway({ config: { sites: { blog, other } } });
});
after(() => gateway.close());

/** A reader logged in at blog with the openid scope, so the site holds an ID token to hint with. */
async function reader(name = 'Ada Lovelace'): Promise<LoggedIn & { idToken: string }> {
  const login = await devTokens(gateway, { name, params: { scope: 'openid' } });
  assert.equal(typeof login.tokens.id_token, 'string');
  return { ...login, idToken: login.tokens.id_token as string };
}

/** Whether /authorize goes straight back to blog (the browser's Byline login still lives). */
async function loggedIn(browser: Browser): Promise<boolean> {
  const hop = await browser.request(authorizeUrl(gateway, pkce().challenge));
  return (
    hop.response.status === 302 &&
    (hop.response.headers.get('location') ?? '').startsWith(callbackUri('blog'))
  );
}

/** The hidden fields of the confirmation page's form, as the browser would post them. */
function formFields(page: Hop): Record<string, string> {
  const decodeEntities = (value: string) =>
    value
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  const fields: Record<string, string> = {};
  for (const match of page.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    fields[match[1] as string] = decodeEntities(match[2] as string);
  return fields;
}

/** GET /logout with these parameters in the reader's browser. */
function logoutPage(browser: Browser, params: Record<string, string>): Promise<Hop> {
  return browser.request(`${gateway.url}/logout?${new URLSearchParams(params)}`);
}

/** The confirmation page for `params`, then its form posted as the reader's click sends it. */
async function confirmLogout(browser: Browser, params: Record<string, string>): Promise<Hop> {
  const page = await logoutPage(browser, params);
  assert.equal(page.response.status, 200, page.body.slice(0, 500));
  return postLogout(gateway, browser, formFields(page));
}

/** A CSRF token of the reader's browser, from a plain confirmation page. */
async function csrfOf(browser: Browser): Promise<string> {
  return formFields(await logoutPage(browser, {})).csrf as string;
}

/** A JWT with `token`'s header and a changed payload, keeping the original signature. */
function tampered(token: string, change: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = { ...JSON.parse(Buffer.from(payload, 'base64url').toString()), ...change };
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
}

describe('RP-Initiated Logout', () => {
  test("openid-client's end-session URL logs the reader out and returns to the site with its state", async () => {
    const { browser, tokens, idToken } = await reader();
    const config = await client.discovery(new URL(gateway.url), 'blog', testSite.secret, undefined, {
      execute: [client.allowInsecureRequests],
    });
    const url = client.buildEndSessionUrl(config, {
      id_token_hint: idToken,
      post_logout_redirect_uri: loggedOutPage,
      state: 'rp-state-1',
      ui_locales: 'fr-CA fr',
    });
    assert.equal(url.origin + url.pathname, `${gateway.url}/logout`);
    const page = await browser.request(url);
    assert.equal(page.response.status, 200);
    // ui_locales chose the page's language.
    assert.match(page.body, /<html lang="fr" dir="ltr">/);
    assert.match(page.body, /Vous êtes connecté en tant que <bdi>Ada Lovelace<\/bdi>/);
    assert.doesNotMatch(page.body, /pas celle de ce navigateur/);
    const fields = formFields(page);
    assert.equal(fields.id_token_hint, idToken);
    assert.equal(fields.client_id, 'blog');
    assert.equal(fields.ui_locales, 'fr-CA fr', 'ui_locales is carried to the form');
    assert.equal(await loggedIn(browser), true, 'the page alone logs nobody out');
    const done = await postLogout(gateway, browser, fields);
    assert.equal(done.response.status, 303);
    assert.equal(done.response.headers.get('location'), `${loggedOutPage}?state=rp-state-1`);
    assert.equal(await loggedIn(browser), false);
    assert.equal(await userinfoStatus(gateway, tokens.access_token), 401);
  });

  test('the hint alone names the site whose post_logout_redirect_uri is checked', async () => {
    const { browser, idToken } = await reader();
    const done = await confirmLogout(browser, {
      id_token_hint: idToken,
      post_logout_redirect_uri: loggedOutPage,
      state: 'only-the-hint',
    });
    assert.equal(done.response.status, 303);
    assert.equal(done.response.headers.get('location'), `${loggedOutPage}?state=only-the-hint`);
    assert.equal(await loggedIn(browser), false);
  });

  test("a hint naming another reader's login still asks, and ends only this browser's login", async () => {
    const { idToken: theirs, tokens: theirTokens } = await reader('Someone Else');
    const { browser, tokens } = await reader();
    const page = await logoutPage(browser, { id_token_hint: theirs });
    assert.equal(page.response.status, 200);
    assert.match(page.body, /not the one this browser holds/);
    assert.match(page.body, /logged in here as <bdi>Ada Lovelace<\/bdi>/);
    const done = await postLogout(gateway, browser, formFields(page));
    assert.equal(done.response.status, 200);
    assert.equal(await loggedIn(browser), false);
    assert.equal(await userinfoStatus(gateway, tokens.access_token), 401);
    assert.equal(await userinfoStatus(gateway, theirTokens.access_token), 200, 'their login is untouched');
  });

  const forgeries: [string, (idToken: string, accessToken: string) => Promise<string> | string][] = [
    [
      'a hint whose claims were changed after signing',
      (idToken) => tampered(idToken, { sub: 'dev:mallory' }),
    ],
    [
      'a hint signed by another key under the same kid',
      async (idToken) => {
        const { privateKey } = await generateKeyPair('RS256');
        const { kid } = decodeProtectedHeader(idToken);
        return new SignJWT(decodeJwt(idToken))
          .setProtectedHeader({ alg: 'RS256', typ: 'JWT', ...(kid ? { kid } : {}) })
          .sign(privateKey);
      },
    ],
    [
      'an unsigned hint (alg none)',
      (idToken) => {
        const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
        return `${header}.${idToken.split('.')[1]}.`;
      },
    ],
    ['an access token as the hint', (_idToken, accessToken) => accessToken],
  ];
  for (const [name, forge] of forgeries) {
    test(`${name} is refused with an error page, and nobody is logged out`, async () => {
      const { browser, tokens, idToken } = await reader();
      const hint = await forge(idToken, tokens.access_token);
      const page = await logoutPage(browser, { id_token_hint: hint, client_id: 'blog' });
      assert.equal(page.response.status, 400);
      assert.match(page.response.headers.get('content-type') ?? '', /html/);
      assert.match(page.body, /not an ID token issued by Byline/);
      const done = await postLogout(gateway, browser, {
        csrf: await csrfOf(browser),
        id_token_hint: hint,
        post_logout_redirect_uri: loggedOutPage,
      });
      assert.equal(done.response.status, 400);
      assert.equal(done.response.headers.get('location'), null);
      assert.equal(await loggedIn(browser), true);
      assert.equal(await userinfoStatus(gateway, tokens.access_token), 200);
    });
  }

  test("a client_id that is not the hint's site is refused, and nobody is logged out", async () => {
    const { browser, idToken } = await reader();
    const page = await logoutPage(browser, { id_token_hint: idToken, client_id: 'other' });
    assert.equal(page.response.status, 400);
    const done = await postLogout(gateway, browser, {
      csrf: await csrfOf(browser),
      id_token_hint: idToken,
      client_id: 'other',
    });
    assert.equal(done.response.status, 400);
    assert.equal(await loggedIn(browser), true);
  });

  test('a post_logout_redirect_uri not registered for the hint’s site is an error page, never a redirect', async () => {
    const { browser, idToken } = await reader();
    for (const target of ['https://evil.example/', 'https://other.example/bye']) {
      const page = await logoutPage(browser, { id_token_hint: idToken, post_logout_redirect_uri: target });
      assert.equal(page.response.status, 400);
      assert.equal(page.response.headers.get('location'), null);
      assert.match(page.body, /not registered for this site/);
      const done = await postLogout(gateway, browser, {
        csrf: await csrfOf(browser),
        id_token_hint: idToken,
        post_logout_redirect_uri: target,
        state: 's',
      });
      assert.equal(done.response.status, 400);
      assert.equal(done.response.headers.get('location'), null);
    }
    assert.equal(await loggedIn(browser), true);
  });

  // Near the end: it rotates the keys and moves the clock past the old key's retirement.
  test('a hint whose key has since rotated out of the JWKS is still recognised as ours', async () => {
    const { browser, idToken } = await reader();
    const signedBy = decodeProtectedHeader(idToken).kid;
    await rotateKeys(gateway.config, { now: true }, gateway.clock);
    await gateway.ctx.keys.reload();
    gateway.clock.advance(gateway.config.tokens.accessTtl + gateway.config.tokens.clockSkew + 1_000);
    const published = (await (await fetch(new URL('/.well-known/jwks.json', gateway.url))).json()) as {
      keys: { kid: string }[];
    };
    assert.ok(!published.keys.some((key) => key.kid === signedBy), 'the signing key left the JWKS');
    const done = await confirmLogout(browser, {
      id_token_hint: idToken,
      post_logout_redirect_uri: loggedOutPage,
      state: 'rotated',
    });
    assert.equal(done.response.status, 303);
    assert.equal(done.response.headers.get('location'), `${loggedOutPage}?state=rotated`);
  });

  // Last: it moves the gateway's clock past the ID token's exp.
  test('an expired hint is still accepted (the session it names outlives it)', async () => {
    const { browser, idToken } = await reader();
    gateway.clock.advance(2 * 60 * 60_000);
    assert.ok((decodeJwt(idToken).exp as number) * 1000 < gateway.clock.now(), 'the hint has expired');
    const done = await confirmLogout(browser, {
      id_token_hint: idToken,
      post_logout_redirect_uri: loggedOutPage,
      state: 'late',
    });
    assert.equal(done.response.status, 303);
    assert.equal(done.response.headers.get('location'), `${loggedOutPage}?state=late`);
    assert.equal(await loggedIn(browser), false);
  });
});
