// Consent (issue 14, item 7): a site learns who a reader is only after the reader chose it on a Byline page
// that names it (the chooser, or the one-click question), once per subject and site; trusted sites skip
// it; the email address reaches a site only when it asks for it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import type { SiteConfig } from '../../src/config/schema.js';
import { hasConsent } from '../../src/oauth/login/consent.js';
import { Browser, formAction, type Hop } from '../support/browser.js';
import {
  assertSiteError,
  authorizeUrl,
  callbackUri,
  devLogin,
  loginTokens,
  logoutForm,
  postFromByline,
  postLogout,
  providerLogin,
  siteParams,
} from '../support/flow.js';
import { startGateway, type TestGateway, testSite } from '../support/gateway.js';
import { pkce } from '../support/pkce.js';

/** A site run by someone else: neither trusted nor given the email address of scope-less requests. */
function otherSite(id: string, name: string, extra: Record<string, unknown> = {}) {
  return {
    name,
    origins: [`https://${id}.example`],
    redirectUris: [callbackUri(id)],
    secret: `${id}-secret-0123456789`,
    ...extra,
  };
}

let gateway: TestGateway;
before(async () => {
  gateway = await startGateway({
    config: {
      sites: {
        blog: testSite,
        shop: otherSite('shop', 'Shop of Mirrors'),
        forum: otherSite('forum', 'Forum'),
        mail: otherSite('mail', 'Newsletter', { claims: ['email'] }),
        own: otherSite('own', 'Our Own Blog', { trusted: true }),
      },
      rateLimits: { authorize: { points: 100_000, window: '1m' } },
    },
  });
});
after(() => gateway.close());

const secretOf = (site: string) => `${site}-secret-0123456789`;
const atSite = (site: string) => (to: string) => to.startsWith(callbackUri(site));

/** `/authorize` for `site` in `browser`, up to the redirect to the site or the page Byline shows. */
async function authorize(
  browser: Browser,
  site: string,
  params: { prompt?: string; idp?: string; scope?: string; maxAge?: string } = {},
) {
  const { verifier, challenge } = pkce();
  const hop = await browser.follow(
    authorizeUrl(gateway, challenge, { site, redirectUri: callbackUri(site), ...params }),
    {},
    atSite(site),
  );
  return { ...hop, verifier };
}

/**
 * A login at `site` straight through the dev IdP (`idp=dev`, no chooser), as a site's own login button
 * sends it: the dev login form is filled in when the dev IdP asks, and the result is the redirect to the
 * site or the page Byline shows instead (the consent question).
 */
async function directLogin(
  browser: Browser,
  site: string,
  reader: { name: string; email?: string },
  params: { prompt?: string; scope?: string } = {},
) {
  const start = await authorize(browser, site, { ...params, idp: 'dev' });
  if (start.location || !/Dev login/.test(start.body)) return start;
  const action = formAction(start.body);
  assert.ok(action, 'the dev login form');
  const done = await browser.submit(
    new URL(action, start.url),
    { name: reader.name, email: reader.email ?? '' },
    atSite(site),
  );
  return { ...done, verifier: start.verifier };
}

/** The consent question's hidden fields, and that the page is the question for `site` and `name`. */
function question(page: Hop, siteName: string, name: string): { ar: string; csrf: string } {
  assert.equal(page.response.status, 200, page.body.slice(0, 300));
  assert.match(page.body, new RegExp(`Continue to ${siteName} as <bdi>${name}</bdi>\\?`));
  const ar = /name="ar" value="([^"]+)"/.exec(page.body)?.[1];
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)?.[1];
  assert.ok(ar && csrf, 'the question carries its request and a CSRF token');
  return { ar, csrf };
}

/** POSTs an answer to the question as its own page does (Sec-Fetch-Site: same-origin unless overridden). */
function answer(browser: Browser, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return postFromByline(browser, new URL('/auth/consent', gateway.url), fields, headers);
}

/** The site sessions the browser's login holds, by site id: what any site could redeem. */
async function sitesOfLogin(browser: Browser): Promise<string[]> {
  const id = browser.cookie('byline_session')?.split('.')[0];
  assert.ok(id, 'the browser holds a login');
  const record = await gateway.store.get<{ sites: Record<string, { site: string }> }>(`login:${id}`);
  return Object.values(record?.sites ?? {}).map((session) => session.site);
}

async function accessClaims(site: string, login: { location: string | undefined; verifier: string }) {
  const tokens = await loginTokens(gateway, login, { site, secret: secretOf(site) });
  return decodeJwt(tokens.access_token);
}

describe('the silent attack', () => {
  test('a site the reader never chose gets consent_required from prompt=none, and no code, name or sub', async () => {
    const { browser } = await devLogin(gateway, { name: 'Quiet Reader' });
    const silent = await authorize(browser, 'shop', { prompt: 'none' });
    assert.ok(silent.location, 'the answer goes back to the site');
    assertSiteError(silent.location, 'consent_required');
    assert.deepEqual(
      [...siteParams(silent.location).keys()].sort(),
      ['error', 'error_description', 'iss', 'state'],
      'nothing about the reader',
    );
    assert.deepEqual(await sitesOfLogin(browser), ['blog'], 'no site session for the shop to redeem');
  });

  test('a logged-in reader sent to a site they never chose is asked, not answered, with or without idp', async () => {
    const { browser } = await devLogin(gateway, { name: 'Asked Reader' });
    for (const params of [{}, { idp: 'dev' }]) {
      const page = await authorize(browser, 'shop', params);
      assert.equal(page.location, undefined, 'no redirect carries a code');
      question(page, 'Shop of Mirrors', 'Asked Reader');
    }
    assert.deepEqual(await sitesOfLogin(browser), ['blog']);
  });

  test("a direct idp= login riding the provider's own single sign-on is asked before a code reaches the site", async () => {
    const { browser } = await devLogin(gateway, { name: 'Signed On' });
    const { page, csrf } = await logoutForm(gateway, browser);
    assert.equal(page.response.status, 200);
    await postLogout(gateway, browser, { csrf: csrf as string });
    // Logged out of Byline, still logged in at the dev IdP: it answers at once, without its form.
    const login = await providerLogin(gateway, 'dev', {
      browser,
      params: { site: 'shop', redirectUri: callbackUri('shop') },
    });
    assert.equal(login.location, undefined, 'no redirect carries a code');
    question(login.hop, 'Shop of Mirrors', 'Signed On');
  });
});

describe('the question', () => {
  test('a direct idp= login for a site not chosen keeps the login, asks, and Continue gives the site a code', async () => {
    const browser = new Browser();
    const page = await directLogin(browser, 'shop', { name: 'Continuing Reader' });
    assert.equal(page.location, undefined, 'no code before the answer');
    const fields = question(page, 'Shop of Mirrors', 'Continuing Reader');
    assert.match(page.body, /with Dev login/, 'the provider is shown');
    assert.deepEqual(
      await sitesOfLogin(browser),
      [],
      'the reader is logged in to Byline, the site has nothing',
    );

    const continued = await answer(browser, { ...fields, decision: 'allow' });
    const location = continued.response.headers.get('location') ?? undefined;
    assert.ok(
      location?.startsWith(callbackUri('shop')),
      `a redirect to the shop: ${continued.response.status}`,
    );
    const claims = await accessClaims('shop', { location, verifier: page.verifier });
    assert.equal(claims.name, 'Continuing Reader');
    assert.equal(claims.aud, 'shop');

    const again = await answer(browser, { ...fields, decision: 'allow' });
    assert.equal(again.response.status, 400, 'an answer is used once');
    const silent = await authorize(browser, 'shop', { prompt: 'none' });
    assert.ok(siteParams(silent.location).get('code'), 'the choice is remembered');
  });

  test('an answer given after the login grew older than max_age is login_required, not a code', async () => {
    const { browser } = await devLogin(gateway, { name: 'Slow Reader' });
    const page = await authorize(browser, 'forum', { maxAge: '60' });
    const fields = question(page, 'Forum', 'Slow Reader');
    gateway.clock.advance(120_000);
    const late = await answer(browser, { ...fields, decision: 'allow' });
    assertSiteError(late.response.headers.get('location') ?? undefined, 'login_required');
    assert.deepEqual(await sitesOfLogin(browser), ['blog'], 'no site session for the forum');
  });

  test('Cancel answers the site access_denied, and nothing is remembered', async () => {
    const browser = new Browser();
    const page = await directLogin(browser, 'shop', { name: 'Cancelling Reader' });
    const cancelled = await answer(browser, {
      ...question(page, 'Shop of Mirrors', 'Cancelling Reader'),
      decision: 'deny',
    });
    assertSiteError(cancelled.response.headers.get('location') ?? undefined, 'access_denied');
    const silent = await authorize(browser, 'shop', { prompt: 'none' });
    assertSiteError(silent.location, 'consent_required');
    assert.ok(browser.cookie('byline_session'), 'the login to Byline stands');
  });

  test('the answer is refused from another site, without the CSRF token or from another browser; the question still waits', async () => {
    const browser = new Browser();
    const page = await directLogin(browser, 'shop', { name: 'Guarded Reader' });
    const fields = { ...question(page, 'Shop of Mirrors', 'Guarded Reader'), decision: 'allow' };
    const refused = [
      await answer(browser, fields, { 'sec-fetch-site': 'cross-site' }),
      await answer(browser, fields, { 'sec-fetch-site': 'same-site' }),
      await answer(browser, { ar: fields.ar, decision: 'allow' }),
      await answer(browser, { ...fields, csrf: 'forged' }),
      await answer(new Browser(), fields),
    ];
    for (const hop of refused) {
      assert.equal(hop.response.status, 403, hop.body.slice(0, 200));
      assert.equal(hop.response.headers.get('location'), null);
    }
    const bad = [
      await answer(browser, { ...fields, decision: 'maybe' }),
      await answer(browser, { csrf: fields.csrf, decision: 'allow' }),
      await answer(browser, { ...fields, ar: 'x'.repeat(24) }),
    ];
    for (const hop of bad) assert.equal(hop.response.status, 400, hop.body.slice(0, 200));
    const continued = await answer(browser, fields);
    assert.ok(continued.response.headers.get('location')?.startsWith(callbackUri('shop')));
    assert.deepEqual(await sitesOfLogin(browser), ['shop']);
  });

  test('an answer is refused once the login it was asked for has ended or been replaced', async () => {
    const browser = new Browser();
    const page = await directLogin(browser, 'shop', { name: 'First Person' });
    const fields = question(page, 'Shop of Mirrors', 'First Person');
    // Another tab: a new login in the same browser, through the chooser at the test blog.
    const replaced = await devLogin(gateway, { browser, name: 'First Person', params: { prompt: 'login' } });
    assert.ok(siteParams(replaced.location).get('code'), 'the new login reached the blog');
    const late = await answer(browser, { ...fields, decision: 'allow' });
    assert.equal(late.response.status, 400);
    assert.equal(late.response.headers.get('location'), null);

    const other = new Browser();
    const asked = await directLogin(other, 'shop', { name: 'Leaving Person' });
    const pending = question(asked, 'Shop of Mirrors', 'Leaving Person');
    const { csrf } = await logoutForm(gateway, other);
    await postLogout(gateway, other, { csrf: csrf as string });
    const gone = await answer(other, { ...pending, decision: 'allow' });
    assert.equal(gone.response.status, 400);
    assert.equal(gone.response.headers.get('location'), null);
  });

  test('Use another account shows the chooser for the same request, and a login there answers the site', async () => {
    const { browser } = await devLogin(gateway, { name: 'Switching Reader' });
    const page = await authorize(browser, 'forum');
    const switched = await answer(browser, {
      ...question(page, 'Forum', 'Switching Reader'),
      decision: 'switch',
    });
    assert.match(switched.body, /Log in to comment on Forum/);
    const link = /href="(\/auth\/dev\?ar=[^"]+)"/.exec(switched.body)?.[1];
    assert.ok(link);
    const form = await browser.follow(new URL(link.replace(/&amp;/g, '&'), gateway.url));
    const action = formAction(form.body);
    assert.ok(action, 'the dev IdP asks again (a new login)');
    // The same account: the dev IdP will not switch accounts inside its own session.
    const done = await browser.submit(
      new URL(action, form.url),
      { name: 'Switching Reader', email: '' },
      atSite('forum'),
    );
    const claims = await accessClaims('forum', { location: done.location, verifier: page.verifier });
    assert.equal(claims.name, 'Switching Reader');
    const silent = await authorize(browser, 'forum', { prompt: 'none' });
    assert.ok(siteParams(silent.location).get('code'), 'the chooser counted as the choice');
  });
});

describe('what counts as consent', () => {
  test('choosing a provider on the chooser counts: a later prompt=none for that site gets a code', async () => {
    const login = await devLogin(gateway, { site: 'shop', name: 'Choosing Reader' });
    assert.ok(siteParams(login.location).get('code'), 'the chooser needs no question');
    const silent = await authorize(login.browser, 'shop', { prompt: 'none' });
    assert.ok(siteParams(silent.location).get('code'));
  });

  test('the choice outlives the login: a new login of the same reader, in another browser, is not asked', async () => {
    const first = await devLogin(gateway, { site: 'shop', name: 'Returning Reader' });
    const browser = new Browser();
    const again = await directLogin(browser, 'shop', { name: 'Returning Reader' });
    assert.ok(siteParams(again.location).get('code'), `no question: ${again.body.slice(0, 120)}`);
    assert.notEqual(browser.cookie('byline_session'), first.browser.cookie('byline_session'));
  });

  test('the choice is remembered past the login lifetime, for about a year', async () => {
    const alone = await startGateway({ config: { sites: { shop: otherSite('shop', 'Shop of Mirrors') } } });
    try {
      const reader = { name: 'Yearly Reader' };
      const chosen = await devLogin(alone, { site: 'shop', ...reader });
      assert.ok(siteParams(chosen.location).get('code'));
      const login = async () => {
        const browser = new Browser();
        const { challenge } = pkce();
        const start = await browser.follow(
          authorizeUrl(alone, challenge, { site: 'shop', redirectUri: callbackUri('shop'), idp: 'dev' }),
          {},
          atSite('shop'),
        );
        const action = formAction(start.body);
        assert.ok(action);
        return browser.submit(new URL(action, start.url), { ...reader, email: '' }, atSite('shop'));
      };
      alone.clock.advance(alone.config.session.ttl + 24 * 3600_000);
      assert.ok(siteParams((await login()).location).get('code'), 'not asked after the login ended');
      alone.clock.advance(366 * 24 * 3600_000);
      const asked = await login();
      assert.equal(asked.location, undefined);
      question(asked, 'Shop of Mirrors', reader.name);
    } finally {
      await alone.close();
    }
  });

  test('consent is per subject and site: another site, and another reader, are still asked', async () => {
    const login = await devLogin(gateway, { site: 'shop', name: 'One Site Reader' });
    const elsewhere = await authorize(login.browser, 'forum', { prompt: 'none' });
    assertSiteError(elsewhere.location, 'consent_required');
    const stranger = await directLogin(new Browser(), 'shop', { name: 'Another Reader' });
    question(stranger, 'Shop of Mirrors', 'Another Reader');
  });

  test('a trusted site is never asked: idp= and prompt=none get a code', async () => {
    const browser = new Browser();
    const direct = await directLogin(browser, 'own', { name: 'Trusting Reader' });
    assert.ok(siteParams(direct.location).get('code'));
    const { browser: other } = await devLogin(gateway, { name: 'Blog Reader' });
    const silent = await authorize(other, 'own', { prompt: 'none' });
    assert.ok(siteParams(silent.location).get('code'));
  });

  test('choosing a trusted site on the chooser stores no consent record (nothing would ever read it)', async () => {
    await devLogin(gateway, { site: 'own', name: 'Chooser At Home' });
    const own = gateway.ctx.sites.get('own') as SiteConfig;
    const identity = {
      provider: 'dev',
      id: 'chooser-at-home',
      name: 'Chooser At Home',
      emailVerified: false,
    };
    assert.equal(await hasConsent(gateway.ctx, { ...own, trusted: false }, identity), false);
    await devLogin(gateway, { site: 'shop', name: 'Chooser At Home' });
    const shop = gateway.ctx.sites.get('shop') as SiteConfig;
    assert.equal(
      await hasConsent(gateway.ctx, shop, identity),
      true,
      'the choice of an untrusted site is kept',
    );
  });

  test('prompt=consent asks again, of a site chosen before and of a trusted one; Continue answers', async () => {
    const login = await devLogin(gateway, { site: 'shop', name: 'Asked Again' });
    for (const [site, name] of [
      ['shop', 'Shop of Mirrors'],
      ['own', 'Our Own Blog'],
    ] as const) {
      const page = await authorize(login.browser, site, { prompt: 'consent' });
      assert.equal(page.location, undefined, `no silent code for ${site}`);
      const continued = await answer(login.browser, {
        ...question(page, name, 'Asked Again'),
        decision: 'allow',
      });
      assert.ok(siteParams(continued.response.headers.get('location') ?? undefined).get('code'));
    }
    const direct = await directLogin(new Browser(), 'shop', { name: 'Asked Again' }, { prompt: 'consent' });
    question(direct, 'Shop of Mirrors', 'Asked Again');
  });
});

describe('email only when asked', () => {
  const reader = { name: 'Mailed Reader', email: 'mailed@example.com' };

  test('a request without a scope carries no email unless the site has claims: [email]', async () => {
    const shop = await devLogin(gateway, { site: 'shop', ...reader });
    const shopClaims = await accessClaims('shop', shop);
    assert.equal(shopClaims.name, reader.name);
    assert.equal(shopClaims.email, undefined);
    const mail = await devLogin(gateway, { site: 'mail', ...reader });
    assert.equal((await accessClaims('mail', mail)).email, reader.email);
  });

  test('the email scope brings it to any site; profile alone does not', async () => {
    const withEmail = await devLogin(gateway, { site: 'shop', ...reader, params: { scope: 'openid email' } });
    assert.equal((await accessClaims('shop', withEmail)).email, reader.email);
    const profile = await devLogin(gateway, { site: 'shop', ...reader, params: { scope: 'openid profile' } });
    assert.equal((await accessClaims('shop', profile)).email, undefined);
  });

  test('the question says whether the email address is shared', async () => {
    const shop = await directLogin(new Browser(), 'shop', { name: 'Careful Reader' });
    assert.match(shop.body, /will learn your name and profile picture\./);
    const mail = await directLogin(new Browser(), 'mail', { name: 'Careful Reader' });
    assert.match(mail.body, /will learn your name and profile picture and your email address\./);
  });
});
