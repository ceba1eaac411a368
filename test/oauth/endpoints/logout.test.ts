import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Browser } from '../../support/browser.js';
import {
  authorizeUrl,
  browserWithSession,
  callbackUri,
  devLogin,
  devTokens,
  logoutForm,
  postLogout,
  redeemLogin,
} from '../../support/flow.js';
import { startGateway, type TestGateway, testSite, trustedPublicSite } from '../../support/gateway.js';
import { pkce } from '../../support/pkce.js';
import { refresh, userinfoStatus } from '../../support/tokens.js';

const blog = { ...testSite, postLogoutRedirectUris: ['https://blog.example/logged-out'] };

let gateway: TestGateway;
before(async () => {
  gateway = await startGateway({ config: { sites: { blog, public: trustedPublicSite } } });
});
after(() => gateway.close());

/** Whether /authorize goes straight back to the site (the browser session was reused). */
async function sessionReused(browser: Browser): Promise<boolean> {
  const hop = await browser.request(authorizeUrl(gateway, pkce().challenge));
  return (
    hop.response.status === 302 &&
    (hop.response.headers.get('location') ?? '').startsWith(callbackUri('blog'))
  );
}

describe('GET /logout', () => {
  test('shows a confirmation form and does not log out', async () => {
    const browser = new Browser();
    const { tokens } = await devTokens(gateway, { browser, name: 'Logout Tester' });
    const { page, csrf } = await logoutForm(gateway, browser);
    assert.equal(page.response.status, 200);
    assert.equal(page.response.headers.get('cache-control'), 'no-store');
    assert.match(page.body, /<form[^>]*method="post"[^>]*action="\/logout"/);
    assert.match(page.body, /Logout Tester/);
    assert.ok(csrf);
    assert.equal(await sessionReused(browser), true);
    assert.equal(await userinfoStatus(gateway, tokens.access_token), 200);
  });

  test('carries a valid post_logout_redirect_uri into the form, and refuses an unregistered one', async () => {
    const browser = new Browser();
    const query = `?client_id=blog&post_logout_redirect_uri=${encodeURIComponent('https://blog.example/logged-out')}&state=s1`;
    const { page } = await logoutForm(gateway, browser, query);
    assert.match(page.body, /name="post_logout_redirect_uri" value="https:\/\/blog.example\/logged-out"/);
    assert.match(page.body, /name="state" value="s1"/);
    const bad = await browser.request(
      `${gateway.url}/logout?client_id=blog&post_logout_redirect_uri=${encodeURIComponent('https://evil.example/')}`,
    );
    assert.equal(bad.response.status, 400);
    assert.match(bad.response.headers.get('content-type') ?? '', /html/);
  });
});

describe('POST /logout', () => {
  test('ends the browser session and every site session under it, and clears the cookie', async () => {
    const browser = new Browser();
    const { tokens: blogTokens } = await devTokens(gateway, { browser });
    const { tokens: publicTokens } = await devTokens(gateway, { browser, site: 'public' });
    const { tokens: bystander } = await devTokens(gateway);
    const { csrf } = await logoutForm(gateway, browser);
    const done = await postLogout(gateway, browser, { csrf: csrf as string });
    assert.equal(done.response.status, 200);
    assert.match(done.body, /logged out/i);
    const cleared = done.response.headers.getSetCookie().find((line) => line.startsWith('byline_session='));
    assert.ok(cleared, 'the session cookie is cleared');
    assert.match(cleared, /Expires=Thu, 01 Jan 1970/);
    assert.equal(await userinfoStatus(gateway, blogTokens.access_token), 401);
    assert.equal(await userinfoStatus(gateway, publicTokens.access_token), 401);
    const refreshed = await refresh(gateway, publicTokens.refresh_token, { site: 'public' });
    assert.equal(refreshed.body.error, 'invalid_grant');
    assert.equal(
      await userinfoStatus(gateway, bystander.access_token),
      200,
      "another reader's login is untouched",
    );
  });

  test('also ends the logins made in this browser before a later login replaced its session', async () => {
    const first = new Browser();
    const { tokens: earlier } = await devTokens(gateway, { browser: first, site: 'public' });
    // Only Byline's cookie carries over (not the dev IdP's), so the IdP asks again and the login is new.
    const cookieBefore = first.cookie('byline_session') as string;
    const browser = browserWithSession(gateway, cookieBefore);
    const login = await devLogin(gateway, {
      browser,
      name: 'Someone Else',
      params: { prompt: 'login' },
    });
    assert.notEqual(browser.cookie('byline_session'), cookieBefore, 'a new browser session');
    const later = await redeemLogin(gateway, login);
    assert.equal(await userinfoStatus(gateway, earlier.access_token), 200);
    const { csrf } = await logoutForm(gateway, browser);
    await postLogout(gateway, browser, { csrf: csrf as string });
    assert.equal(await userinfoStatus(gateway, later.body.access_token as string), 401);
    assert.equal(await userinfoStatus(gateway, earlier.access_token), 401);
  });

  test('an ended session is not reused by /authorize, even if its cookie comes back', async () => {
    const browser = new Browser();
    await devTokens(gateway, { browser });
    const cookie = browser.cookie('byline_session') as string;
    const { csrf } = await logoutForm(gateway, browser);
    await postLogout(gateway, browser, { csrf: csrf as string });
    assert.equal(await sessionReused(browser), false);
    assert.equal(await sessionReused(browserWithSession(gateway, cookie)), false);
  });

  test('goes back to a registered post_logout_redirect_uri with 303 and the state', async () => {
    const browser = new Browser();
    await devTokens(gateway, { browser });
    const { csrf } = await logoutForm(gateway, browser);
    const done = await postLogout(gateway, browser, {
      csrf: csrf as string,
      client_id: 'blog',
      post_logout_redirect_uri: 'https://blog.example/logged-out',
      state: 'xyz',
    });
    assert.equal(done.response.status, 303);
    assert.equal(done.response.headers.get('location'), 'https://blog.example/logged-out?state=xyz');
    assert.equal(await sessionReused(browser), false);
  });

  const badTargets: [string, Record<string, string>][] = [
    [
      'an unregistered post_logout_redirect_uri',
      { client_id: 'blog', post_logout_redirect_uri: 'https://evil.example/' },
    ],
    [
      'a post_logout_redirect_uri without client_id',
      { post_logout_redirect_uri: 'https://blog.example/logged-out' },
    ],
    [
      'another site’s client_id',
      { client_id: 'public', post_logout_redirect_uri: 'https://blog.example/logged-out' },
    ],
    ['an unknown client_id', { client_id: 'nobody' }],
  ];
  for (const [name, fields] of badTargets) {
    test(`${name} is an error page: no redirect, no logout`, async () => {
      const browser = new Browser();
      await devTokens(gateway, { browser });
      const { csrf } = await logoutForm(gateway, browser);
      const done = await postLogout(gateway, browser, { csrf: csrf as string, ...fields });
      assert.equal(done.response.status, 400);
      assert.equal(done.response.headers.get('location'), null);
      assert.match(done.body, /<html/);
      assert.equal(await sessionReused(browser), true);
    });
  }

  test('without a session it still answers the logged-out page', async () => {
    const browser = new Browser();
    const { csrf } = await logoutForm(gateway, browser);
    const done = await postLogout(gateway, browser, { csrf: csrf as string });
    assert.equal(done.response.status, 200);
  });

  const forged: [
    string,
    (csrf: string) => { fields: Record<string, string>; headers: Record<string, string> },
  ][] = [
    ['with a wrong CSRF token', () => ({ fields: { csrf: 'A'.repeat(43) }, headers: {} })],
    ['from a cross-site page', (csrf) => ({ fields: { csrf }, headers: { 'sec-fetch-site': 'cross-site' } })],
    ['from a same-site page', (csrf) => ({ fields: { csrf }, headers: { 'sec-fetch-site': 'same-site' } })],
  ];
  test('a POST without a CSRF token is a relying party’s logout request: it is asked, not done', async () => {
    const browser = new Browser();
    const { tokens } = await devTokens(gateway, { browser });
    const done = await postLogout(gateway, browser, {}, { 'sec-fetch-site': 'cross-site' });
    assert.equal(done.response.status, 200);
    assert.match(done.body, /Log out of Byline\?/);
    assert.equal(await userinfoStatus(gateway, tokens.access_token), 200);
    assert.equal(await sessionReused(browser), true);
  });

  for (const [name, make] of forged) {
    test(`is refused (403) ${name}`, async () => {
      const browser = new Browser();
      const { tokens } = await devTokens(gateway, { browser });
      const { csrf } = await logoutForm(gateway, browser);
      const { fields, headers } = make(csrf as string);
      const done = await postLogout(gateway, browser, fields, headers);
      assert.equal(done.response.status, 403);
      assert.equal(await userinfoStatus(gateway, tokens.access_token), 200);
      assert.equal(await sessionReused(browser), true);
    });
  }

  test("another browser's CSRF token does not work", async () => {
    const victim = new Browser();
    await devTokens(gateway, { browser: victim });
    const { csrf } = await logoutForm(gateway, new Browser());
    await logoutForm(gateway, victim);
    const done = await postLogout(gateway, victim, { csrf: csrf as string });
    assert.equal(done.response.status, 403);
    assert.equal(await sessionReused(victim), true);
  });

  test('without Sec-Fetch-Site, Origin must be Byline itself', async () => {
    const browser = new Browser();
    await devTokens(gateway, { browser });
    const { csrf } = await logoutForm(gateway, browser);
    const strip = async (headers: Record<string, string>) => {
      const response = await fetch(`${gateway.url}/logout`, {
        method: 'POST',
        redirect: 'manual',
        body: new URLSearchParams({ csrf: csrf as string }).toString(),
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: browser.cookieHeader(new URL(gateway.url)) as string,
          ...headers,
        },
      });
      return response.status;
    };
    assert.equal(await strip({ origin: 'https://evil.example' }), 403);
    assert.equal(await strip({}), 403, 'neither header: refused');
    assert.equal(await sessionReused(browser), true);
    assert.equal(await strip({ origin: gateway.url }), 200);
    assert.equal(await sessionReused(browser), false);
  });

  test('a top-level navigation (Sec-Fetch-Site: none) is accepted', async () => {
    const browser = new Browser();
    await devTokens(gateway, { browser });
    const { csrf } = await logoutForm(gateway, browser);
    const done = await postLogout(gateway, browser, { csrf: csrf as string }, { 'sec-fetch-site': 'none' });
    assert.equal(done.response.status, 200);
  });
});
