// What a browser holds and may send (OWASP ASVS V3 sessions, V50 CSRF): cookies, session fixation,
// cross-site form posts, the web_message hand-off and pages that carry a code.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Browser } from '../support/browser.js';
import { authorizeUrl, browserWithSession, devLogin, siteParams } from '../support/flow.js';
import { listenOnFreePort } from '../support/gateway.js';
import { type OidcDouble, oidcProviderConfig, startOidcDouble } from '../support/oidc-double.js';
import { pkce } from '../support/pkce.js';
import {
  assertStoreUnchanged,
  extract,
  type ObservedGateway,
  postForm,
  send,
  startObservedGateway,
} from '../support/security.js';

let gateway: ObservedGateway;
before(async () => {
  gateway = await startObservedGateway({
    config: {
      sites: {
        blog: {
          name: 'Test Blog',
          origins: ['https://blog.example', 'https://www.blog.example'],
          redirectUris: ['https://blog.example/callback'],
        },
      },
      rateLimits: { authorize: { points: 100_000, window: '1m' }, guest: { points: 100_000, window: '1m' } },
    },
  });
});
after(() => gateway.close());

const { challenge } = pkce();

function cookieLine(lines: string[], name: string): string {
  const line = lines.find((l) => l.startsWith(`${name}=`));
  assert.ok(line, `no Set-Cookie for ${name} in ${JSON.stringify(lines)}`);
  return line;
}

describe('session fixation', () => {
  test('a planted session cookie is not adopted: a new session id, and none under the planted one', async () => {
    // Shaped like a real one (`<login id>.<browser secret>`), so only its being unknown refuses it.
    const plantedId = 'A'.repeat(16);
    const planted = `${plantedId}.${'B'.repeat(22)}`;
    const browser = browserWithSession(gateway, planted);
    const { location } = await devLogin(gateway, { browser, name: 'Fixation Victim' });
    assert.ok(siteParams(location).get('code'));
    const session = browser.cookie('byline_session');
    assert.ok(session);
    assert.notEqual(session, planted);
    assert.ok(!session.startsWith(plantedId));
    assert.equal(await gateway.store.get(`login:${plantedId}`), undefined);
  });

  test('an attacker’s own live session cookie is replaced at the victim’s login', async () => {
    const attacker = await devLogin(gateway, { name: 'Mallory' });
    const attackerSession = attacker.browser.cookie('byline_session') as string;
    const victim = browserWithSession(gateway, attackerSession);
    await devLogin(gateway, { browser: victim, name: 'Victim', params: { prompt: 'login' } });
    assert.notEqual(victim.cookie('byline_session'), attackerSession);
  });

  test('after a new login in the same browser, the earlier cookie logs nobody in', async () => {
    const first = await devLogin(gateway, { name: 'First Reader' });
    const earlierCookie = first.browser.cookie('byline_session') as string;
    // The same Byline cookie, a fresh dev IdP session: the second reader logs in on that browser.
    const second = browserWithSession(gateway, earlierCookie);
    await devLogin(gateway, { browser: second, name: 'Second Reader', params: { prompt: 'login' } });
    assert.notEqual(second.cookie('byline_session'), earlierCookie);
    const answer = await browserWithSession(gateway, earlierCookie).request(authorizeUrl(gateway, challenge));
    assert.equal(
      answer.response.status,
      200,
      `the chooser, not a code for the earlier login: ${answer.response.headers.get('location')}`,
    );
    assert.doesNotMatch(answer.body, /First Reader/);
  });
});

describe('cookie attributes on plain http (development)', () => {
  test('byline_tx and byline_session are HttpOnly, SameSite=Lax, Path=/, without Secure or Domain', async () => {
    const browser = new Browser();
    const chooser = await browser.request(authorizeUrl(gateway, challenge));
    const tx = cookieLine(chooser.response.headers.getSetCookie(), 'byline_tx');
    assert.match(tx, /; Path=\/; HttpOnly; SameSite=Lax$/);
    assert.doesNotMatch(tx, /Secure|Domain/i);
    const link = extract(chooser.body, /href="(\/auth\/dev\?ar=[\w-]+)"/);
    let session = '';
    const login = await browser.follow(new URL(link, gateway.url));
    const action = extract(login.body, /<form[^>]*action="([^"]+)"/);
    let hop = await browser.request(new URL(action, login.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=Cookie+Reader',
    });
    for (let i = 0; i < 10 && hop.response.status >= 300 && hop.response.status < 400; i++) {
      const line = hop.response.headers.getSetCookie().find((l) => l.startsWith('byline_session='));
      if (line) session = line;
      const next = new URL(hop.response.headers.get('location') as string, hop.url);
      if (next.origin === 'https://blog.example') break;
      hop = await browser.request(next);
    }
    assert.ok(session, 'the login set byline_session');
    assert.match(session, /; Max-Age=\d+; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax$/);
    assert.doesNotMatch(session, /Secure|Domain/i);
  });
});

describe('cookie attributes when publicUrl is https', () => {
  const publicUrl = 'https://byline.test';
  let https: ObservedGateway;
  let idp: OidcDouble;
  before(async () => {
    idp = await startOidcDouble();
    idp.register(`${publicUrl}/auth/acme/callback`);
    const listening = await listenOnFreePort();
    https = await startObservedGateway({
      listening,
      publicUrl,
      config: {
        providers: {
          acme: oidcProviderConfig(idp, 'Acme'),
        },
      },
    });
  });
  after(async () => {
    await https.close();
    await idp.close();
  });

  /** Byline does not look at the socket's scheme: https URLs it hands out are mapped to its http port. */
  const local = (url: string) => (url.startsWith(publicUrl) ? https.url + url.slice(publicUrl.length) : url);

  /** A login through the OIDC double, the https URLs mapped to the local port, with every Set-Cookie seen. */
  async function httpsLogin(browser: Browser) {
    const setCookies: string[] = [];
    let hop = await browser.request(authorizeUrl(https, challenge, { idp: 'acme' }));
    for (let i = 0; i < 10; i++) {
      setCookies.push(...hop.response.headers.getSetCookie());
      const location = hop.response.headers.get('location');
      if (!location || location.startsWith('https://blog.example')) return { setCookies, location };
      hop = await browser.request(local(new URL(location, hop.url).href));
    }
    throw new Error('too many redirects');
  }

  test('the cookies are __Host- prefixed, Secure, HttpOnly, SameSite=Lax, Path=/ and have no Domain', async () => {
    const { setCookies, location } = await httpsLogin(new Browser());
    assert.ok(siteParams(location ?? undefined).get('code'));
    for (const name of ['__Host-byline_tx', '__Host-byline_session']) {
      const line = cookieLine(setCookies, name);
      assert.match(line, /; Path=\//);
      assert.match(line, /; HttpOnly/);
      assert.match(line, /; Secure/);
      assert.match(line, /; SameSite=Lax/);
      assert.doesNotMatch(line, /Domain=/i);
    }
    assert.equal(
      setCookies.some((line) => /^byline_(tx|session)=/.test(line)),
      false,
      'no unprefixed cookie',
    );
  });

  test('an unprefixed byline_session (settable from a sibling host) is ignored', async () => {
    const browser = new Browser();
    await httpsLogin(browser);
    const id = browser.cookie('__Host-byline_session') as string;
    const url = authorizeUrl(https, challenge).href;
    const withPrefixed = await send(url, { headers: { cookie: `__Host-byline_session=${id}` } });
    assert.equal(withPrefixed.status, 302, 'the real cookie is a live session');
    const unprefixed = await send(url, { headers: { cookie: `byline_session=${id}` } });
    assert.equal(unprefixed.status, 200, 'the chooser: the unprefixed cookie means nothing');
  });

  test('an unprefixed byline_tx (a planted login binding) is ignored: Byline binds its own __Host- cookie', async () => {
    // Where cookies can be injected (plain http, a sibling host) a known binding would allow login
    // CSRF; on https the __Host- prefix is what stops it, so the look-alike must carry no weight.
    const planted = 'A'.repeat(43);
    const chooser = await send(authorizeUrl(https, challenge), {
      headers: { cookie: `byline_tx=${planted}` },
    });
    const bound = cookieLine(chooser.headers.getSetCookie(), '__Host-byline_tx');
    assert.doesNotMatch(bound, new RegExp(planted));
    const csrf = extract(chooser.body, /name="csrf" value="([^"]+)"/);
    const attackerView = await send(authorizeUrl(https, challenge), {
      headers: { cookie: `__Host-byline_tx=${planted}` },
    });
    assert.notEqual(extract(attackerView.body, /name="csrf" value="([^"]+)"/), csrf);
  });
});

describe('cross-site posts to POST /logout and POST /auth/guest are refused', () => {
  /** A logged-in browser with its chooser (ar + csrf), ready to post either form. */
  async function setUp() {
    const { browser } = await devLogin(gateway, { name: 'CSRF Target' });
    const chooser = await browser.request(authorizeUrl(gateway, challenge, { prompt: 'select_account' }));
    const ar = extract(chooser.body, /name="ar" value="([^"]+)"/);
    const csrf = extract(chooser.body, /name="csrf" value="([^"]+)"/);
    const cookie = browser.cookieHeader(new URL(gateway.url)) as string;
    return { browser, ar, csrf, cookie };
  }

  const variants: [string, (csrf: string) => { headers: Record<string, string>; csrf?: string }][] = [
    ['Sec-Fetch-Site: cross-site', (csrf) => ({ headers: { 'sec-fetch-site': 'cross-site' }, csrf })],
    [
      'Sec-Fetch-Site: same-site (a sibling subdomain)',
      (csrf) => ({ headers: { 'sec-fetch-site': 'same-site' }, csrf }),
    ],
    [
      'a foreign Origin without Fetch Metadata',
      (csrf) => ({ headers: { origin: 'https://evil.example' }, csrf }),
    ],
    ['Origin: null without Fetch Metadata', (csrf) => ({ headers: { origin: 'null' }, csrf })],
    ['neither Fetch Metadata nor Origin', (csrf) => ({ headers: {}, csrf })],
    [
      'a cross-site request claiming Byline’s Origin',
      (csrf) => ({ headers: { 'sec-fetch-site': 'cross-site', origin: gateway.url }, csrf }),
    ],
    ['same-origin without the token', () => ({ headers: { 'sec-fetch-site': 'same-origin' } })],
    ['same-origin with an empty token', () => ({ headers: { 'sec-fetch-site': 'same-origin' }, csrf: '' })],
    [
      'same-origin with a forged token',
      () => ({ headers: { 'sec-fetch-site': 'same-origin' }, csrf: 'A'.repeat(43) }),
    ],
  ];

  for (const [name, variant] of variants) {
    test(`${name}: refused at both (the logout only asks), no logout, no guest code, nothing stored`, async () => {
      const { ar, csrf, cookie } = await setUp();
      const { headers, csrf: sent } = variant(csrf);
      const fields: Record<string, string> = sent === undefined ? {} : { csrf: sent };
      const before = await gateway.store.snapshot();

      const logout = await postForm(`${gateway.url}/logout`, fields, { cookie, ...headers });
      // Without the field at all it is a relying party's logout request (RP-Initiated Logout §2): the
      // confirmation page, which logs nobody out.
      if (sent === undefined) assert.match(logout.body, /Log out of Byline\?/);
      else assert.equal(logout.status, 403);
      assert.equal(logout.headers.getSetCookie().length, 0, 'the session cookie is not cleared');

      const guest = await postForm(
        `${gateway.url}/auth/guest`,
        { ...fields, ar, name: 'Mallory', email: 'mallory@example.com' },
        { cookie, ...headers },
      );
      assert.equal(guest.status, 403);
      assert.equal(guest.location, null);
      await assertStoreUnchanged(gateway.store, before);
    });
  }

  test('another browser’s token is refused at both', async () => {
    const victim = await setUp();
    const attacker = await setUp();
    const headers = { cookie: victim.cookie, 'sec-fetch-site': 'same-origin' };
    const logout = await postForm(`${gateway.url}/logout`, { csrf: attacker.csrf }, headers);
    assert.equal(logout.status, 403);
    const guest = await postForm(
      `${gateway.url}/auth/guest`,
      { csrf: attacker.csrf, ar: victim.ar, name: 'Mallory', email: 'mallory@example.com' },
      headers,
    );
    assert.equal(guest.status, 403);
  });

  test('the same forms from Byline’s own page work (the harness is sound)', async () => {
    const { ar, csrf, cookie } = await setUp();
    const guest = await postForm(
      `${gateway.url}/auth/guest`,
      { csrf, ar, name: 'Grace', email: 'grace@example.com' },
      { cookie, 'sec-fetch-site': 'same-origin' },
    );
    assert.equal(guest.status, 302);
    const logout = await postForm(`${gateway.url}/logout`, { csrf }, { cookie, origin: gateway.url });
    assert.equal(logout.status, 200);
  });
});

describe('the web_message hand-off page', () => {
  test('posts to the registered origin that redirect_uri names, never "*", and escapes what it carries', async () => {
    const hostile = '</script><script>alert(1)</script>\u2028';
    for (const origin of ['https://blog.example', 'https://www.blog.example']) {
      const { browser } = await devLogin(gateway, { name: 'Popup Reader' });
      const page = await browser.request(
        authorizeUrl(gateway, challenge, {
          responseMode: 'web_message',
          redirectUri: origin,
          state: hostile,
        }),
      );
      assert.equal(page.response.status, 200);
      const payload = JSON.parse(
        extract(page.body, /<script type="application\/json" id="byline-response">([^<]*)<\/script>/),
      ) as {
        origin: string;
        response: { code?: string; state: string; iss: string };
      };
      assert.equal(payload.origin, origin);
      assert.ok(payload.response.code);
      assert.equal(payload.response.state, hostile.replace('\u2028', ''));
      assert.equal(payload.response.iss, gateway.url);
      assert.match(
        page.body,
        /postMessage\(\{ type: 'authorization_response', response: data\.response \}, data\.origin\)/,
      );
      assert.doesNotMatch(page.body, /postMessage\([^)]*['"]\*['"]/);
      assert.doesNotMatch(page.body, /<script>alert/);
    }
  });
});

describe('pages that carry a code are never cached or leaked by Referer', () => {
  async function codeCarriers() {
    const query = await devLogin(gateway, { name: 'Cache Reader' });
    const again = await query.browser.request(authorizeUrl(gateway, challenge));
    const web = await query.browser.request(
      authorizeUrl(gateway, challenge, { responseMode: 'web_message', redirectUri: 'https://blog.example' }),
    );
    return [
      ['the query-mode redirect', again.response],
      ['the web_message page', web.response],
    ] as const;
  }

  test('Cache-Control: no-store and Referrer-Policy: no-referrer on every answer carrying a code', async () => {
    for (const [name, response] of await codeCarriers()) {
      assert.equal(response.headers.get('cache-control'), 'no-store', name);
      assert.equal(response.headers.get('referrer-policy'), 'no-referrer', name);
    }
  });

  test('the chooser, error pages and the logout page are no-store too', async () => {
    for (const url of [
      authorizeUrl(gateway, challenge).href,
      `${gateway.url}/authorize?client_id=nobody`,
      `${gateway.url}/logout`,
      `${gateway.url}/auth/dev/callback?state=x`,
    ]) {
      const answer = await send(url);
      assert.equal(answer.headers.get('cache-control'), 'no-store', url);
      assert.equal(answer.headers.get('referrer-policy'), 'no-referrer', url);
    }
  });
});
