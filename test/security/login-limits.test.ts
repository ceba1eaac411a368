// What one browser or one page may make Byline hold (red-team findings 1–3): a login record that grows
// with every /authorize, login transactions started from one chooser page, and login cookies.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loginStartsPerRequest } from '../../src/http/rate-limit.js';
import { loginCookieLimit } from '../../src/oauth/browser/transaction-cookie.js';
import type { LoginRecord } from '../../src/oauth/login/records.js';
import { siteSessionLimit } from '../../src/oauth/login/sessions.js';
import { Browser, findLink } from '../support/browser.js';
import { authorizeUrl, devLogin, redeemLogin, siteParams } from '../support/flow.js';
import { startGateway, type TestGateway, testSite } from '../support/gateway.js';
import { pkce } from '../support/pkce.js';
import { type ObservedGateway, startObservedGateway } from '../support/security.js';

const generous = { authorize: { points: 100_000, window: '1m' } };
const blog = { ...testSite, origins: ['https://blog.example'] };

async function loginRecord(gateway: TestGateway, browser: Browser): Promise<LoginRecord> {
  const id = browser.cookie('byline_session')?.split('.')[0];
  assert.ok(id, 'the browser holds a login');
  const record = await gateway.store.get<LoginRecord>(`login:${id}`);
  assert.ok(record, 'the login is stored');
  return record;
}

/** An /authorize from a browser that holds a login: straight back to the site with a new code. */
async function authorizeAgain(gateway: TestGateway, browser: Browser): Promise<string> {
  const { challenge } = pkce();
  const hop = await browser.follow(authorizeUrl(gateway, challenge), {}, (to) =>
    to.startsWith('https://blog.example/'),
  );
  const code = siteParams(hop.location).get('code');
  assert.ok(code, 'a code for the site');
  return code;
}

describe('a login record stays bounded however often a page sends the reader to /authorize', () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startGateway({ config: { sites: { blog }, rateLimits: generous } });
  });
  after(() => gateway.close());

  test('unredeemed site sessions are evicted first, and the redeemed one keeps working', async () => {
    const login = await devLogin(gateway);
    const redeemed = await redeemLogin(gateway, login);
    assert.equal(redeemed.status, 200);
    for (let i = 0; i < siteSessionLimit * 2; i++) await authorizeAgain(gateway, login.browser);

    const record = await loginRecord(gateway, login.browser);
    assert.equal(Object.keys(record.sites).length, siteSessionLimit);
    assert.ok(record.sites[0]?.refresh, 'the redeemed site session is kept');
    const userinfo = await fetch(new URL('/userinfo', gateway.url), {
      headers: { authorization: `Bearer ${redeemed.body.access_token}` },
    });
    assert.equal(userinfo.status, 200);
  });

  test('codes that expired unredeemed are dropped at the next write of the login', async () => {
    const login = await devLogin(gateway);
    assert.equal((await redeemLogin(gateway, login)).status, 200);
    for (let i = 0; i < 5; i++) await authorizeAgain(gateway, login.browser);
    assert.equal(Object.keys((await loginRecord(gateway, login.browser)).sites).length, 6);

    gateway.clock.advance(61_000);
    await authorizeAgain(gateway, login.browser);
    const sites = Object.values((await loginRecord(gateway, login.browser)).sites);
    assert.equal(sites.length, 2, 'the redeemed session and the new pending one');
    assert.equal(sites.filter((site) => site.code).length, 1);
  });

  test('a refused code is dropped with its site session rather than kept as a burned entry', async () => {
    const login = await devLogin(gateway);
    const refused = await redeemLogin(gateway, login, { code_verifier: 'x'.repeat(43) });
    assert.equal(refused.status, 400);
    assert.deepEqual((await loginRecord(gateway, login.browser)).sites, {});
    assert.equal((await redeemLogin(gateway, login)).status, 400, 'and it stays refused');
  });
});

/** The chooser's link to the dev provider for a new /authorize in `browser`. */
async function chooserLink(gateway: TestGateway, browser: Browser): Promise<URL> {
  const { challenge } = pkce();
  const chooser = await browser.follow(authorizeUrl(gateway, challenge, { prompt: 'login' }));
  const link = findLink(chooser.body, '/auth/dev');
  assert.ok(link, 'the chooser links to the dev provider');
  return new URL(link, gateway.url);
}

/** The login-transaction marks the store holds now. */
async function transactionMarks(gateway: ObservedGateway): Promise<number> {
  return [...(await gateway.store.snapshot()).keys()].filter((key) => key.startsWith('tx:')).length;
}

describe('login starts from one chooser page', () => {
  test('one pending request starts only a few trips to a provider', async () => {
    const gateway = await startObservedGateway({ config: { sites: { blog }, rateLimits: generous } });
    try {
      const browser = new Browser();
      const link = await chooserLink(gateway, browser);
      const statuses: number[] = [];
      const states = new Set<string>();
      for (let i = 0; i < loginStartsPerRequest + 5; i++) {
        const hop = await browser.request(link);
        statuses.push(hop.response.status);
        const location = hop.response.headers.get('location');
        if (location) states.add(new URL(location, gateway.url).searchParams.get('state') ?? '');
      }
      assert.deepEqual(
        statuses,
        [...Array(loginStartsPerRequest).fill(302), ...Array(5).fill(429)],
        'the starts beyond the limit are refused',
      );
      assert.equal(states.size, loginStartsPerRequest, 'no transaction was made for a refused start');
      assert.equal(await transactionMarks(gateway), loginStartsPerRequest);
    } finally {
      await gateway.close();
    }
  });

  test('login starts count against the /authorize limit of the client address', async () => {
    const gateway = await startGateway({
      config: { sites: { blog }, rateLimits: { authorize: { points: 3, window: '1m' } } },
    });
    try {
      const browser = new Browser();
      const link = await chooserLink(gateway, browser);
      assert.equal((await browser.request(link)).response.status, 302);
      assert.equal((await browser.request(link)).response.status, 302);
      const refused = await browser.request(link);
      assert.equal(refused.response.status, 429);
      assert.ok(refused.response.headers.get('retry-after'));
    } finally {
      await gateway.close();
    }
  });
});

describe('login cookies', () => {
  test('a browser holds at most a few login cookies, the newest ones, and the newest login completes', async () => {
    const gateway = await startGateway({ config: { sites: { blog }, rateLimits: generous } });
    try {
      const browser = new Browser();
      let last: string | undefined;
      for (let i = 0; i < 12; i++) {
        const hop = await browser.request(await chooserLink(gateway, browser));
        assert.equal(hop.response.status, 302);
        last = hop.response.headers.get('location') ?? undefined;
      }
      const header = browser.cookieHeader(new URL(gateway.url)) ?? '';
      const held = header.split('; ').filter((pair) => pair.startsWith('byline_login_'));
      assert.equal(held.length, loginCookieLimit);
      assert.ok(header.length < 8 * 1024, `the Cookie header stays small (${header.length} bytes)`);

      assert.ok(last);
      const login = await browser.follow(new URL(last, gateway.url), {}, (to) =>
        to.startsWith('https://blog.example/'),
      );
      const form = /action="([^"]+)"/.exec(login.body)?.[1]?.replace(/&amp;/g, '&');
      assert.ok(form, 'the dev login form');
      const done = await browser.submit(new URL(form, login.url), { name: 'Newest Tab', email: '' }, (to) =>
        to.startsWith('https://blog.example/'),
      );
      assert.ok(siteParams(done.location).get('code'), 'the newest login completes');
    } finally {
      await gateway.close();
    }
  });
});
