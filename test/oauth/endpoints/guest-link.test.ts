// The link in a guest's code mail: GET /guest/verify only shows a button (mail scanners follow links);
// the button confirms the address for whoever asked for the code — the widget's client address, or the
// chooser's browser — and nobody else.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import { Browser } from '../../support/browser.js';
import { redeem, siteParams } from '../../support/flow.js';
import { startGateway, type TestGateway } from '../../support/gateway.js';
import {
  type Answer,
  atChooser,
  formField,
  from,
  postForm,
  sameOrigin,
  verifyingSite,
} from '../../support/guest-codes.js';
import { codeIn, linkIn, startMailServer, type TestMailServer } from '../../support/mail-server.js';

let mail: TestMailServer;
let gateway: TestGateway;

before(async () => {
  mail = await startMailServer();
  gateway = await startGateway({
    config: {
      sites: { strict: verifyingSite('strict', { verifyEmail: 'required' }) },
      smtp: { url: mail.url, from },
      // Every test here asks for codes for the same reader.
      rateLimits: { guestCodesPerEmail: { points: 1000, window: '1m' } },
    },
  });
});
after(async () => {
  await gateway.close();
  await mail.close();
});

const origin = { origin: 'https://strict.example' };
const post = (path: string, fields: Record<string, string>) => postForm(gateway, path, fields, origin);
const ada = { client_id: 'strict', name: 'Ada Lovelace', email: 'Ada@Example.com' };
const reader = { name: 'Ada Lovelace', email: 'ada@example.com', website: '' };
const claimsOf = (answer: Answer) => decodeJwt(answer.body.access_token as string);

/** Asks for a code (the widget's request) and takes it, and the link, from the mail. */
async function mailedCode() {
  const asked = await post('/guest/code', ada);
  assert.equal(asked.status, 202, JSON.stringify(asked.body));
  const received = await mail.next();
  return { code: codeIn(received), link: linkIn(received) };
}

/** The claims of the token the site redeems the code in `location` for. */
async function claimsAt(location: string | null, verifier: string) {
  const params = siteParams(location ?? undefined);
  const tokens = await redeem(gateway, {
    grant_type: 'authorization_code',
    code: params.get('code') as string,
    redirect_uri: 'https://strict.example/callback',
    code_verifier: verifier,
    client_id: 'strict',
  });
  assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
  return decodeJwt(tokens.body.access_token as string);
}

describe('the mail’s link, for the widget', () => {
  test('its GET spends nothing (a scanner may follow it); the button’s POST confirms, once', async () => {
    const { code, link } = await mailedCode();
    for (let i = 0; i < 3; i++) {
      const page = await fetch(link);
      assert.equal(page.status, 200);
      assert.equal(page.headers.get('cache-control'), 'no-store');
      assert.match(await page.text(), /Confirm my email address/);
    }
    // The code still works after the GETs: they spent nothing.
    assert.equal((await post('/guest', { ...ada, code })).status, 200);
    // And now the link is dead.
    assert.equal((await fetch(link)).status, 400);
  });

  test('the button confirms for the widget that asked (same address); the next POST /guest needs no code', async () => {
    const { code, link } = await mailedCode();
    const page = await fetch(link);
    const cookie = page.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .join('; ');
    const html = await page.text();
    const csrf = formField(html, 'csrf');
    const token = formField(html, 'token');
    const press = () =>
      fetch(`${gateway.url}/guest/verify`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie,
          'sec-fetch-site': 'same-origin',
        },
        body: new URLSearchParams({ token, csrf }).toString(),
      });
    const pressed = await press();
    assert.equal(pressed.status, 200);
    assert.match(await pressed.text(), /Go back to the comment form on The strict blog/);
    // The code itself is spent by the button; the confirmation is used once, without one.
    const signed = await post('/guest', ada);
    assert.equal(signed.status, 200, JSON.stringify(signed.body));
    assert.equal(claimsOf(signed).email_verified, true);
    assert.equal((await post('/guest', ada)).status, 400);
    assert.equal((await post('/guest', { ...ada, code })).status, 400);
    assert.equal((await press()).status, 400);
  });

  test('a made-up or altered token shows the dead-link page', async () => {
    const { link } = await mailedCode();
    const altered = link.slice(0, -2) + (link.endsWith('AA') ? 'BB' : 'AA');
    assert.equal((await fetch(altered)).status, 400);
    assert.equal((await fetch(`${gateway.url}/guest/verify?token=nonsense`)).status, 400);
    assert.equal((await fetch(`${gateway.url}/guest/verify`)).status, 400);
  });
});

describe('the mail’s link, for the chooser', () => {
  test('its GET spends nothing; the button, in the same browser, lets Continue go on without a code', async () => {
    const { submit, verifier, browser } = await atChooser(gateway, 'strict');
    await submit(reader);
    const link = linkIn(await mail.next());
    const page = await browser.request(link);
    assert.equal(page.response.status, 200);
    assert.equal((await browser.request(link)).response.status, 200);
    const pressed = await browser.request(`${gateway.url}/guest/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...sameOrigin },
      body: new URLSearchParams({
        token: formField(page.body, 'token'),
        csrf: formField(page.body, 'csrf'),
      }).toString(),
    });
    assert.equal(pressed.response.status, 200);
    assert.match(pressed.body, /Go back to the login window and press Continue/);
    const done = await submit({ ...reader, code_sent: '1' });
    assert.equal(done.response.status, 302);
    assert.equal((await claimsAt(done.response.headers.get('location'), verifier)).email_verified, true);
  });

  test('the button pressed in another browser confirms nothing for the one that asked', async () => {
    const { submit } = await atChooser(gateway, 'strict');
    await submit(reader);
    const received = await mail.next();
    const other = new Browser();
    const page = await other.request(linkIn(received));
    const pressed = await other.request(`${gateway.url}/guest/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...sameOrigin },
      body: new URLSearchParams({
        token: formField(page.body, 'token'),
        csrf: formField(page.body, 'csrf'),
      }).toString(),
    });
    assert.equal(pressed.response.status, 403);
    assert.match(pressed.body, /Type the code from the mail into the form instead/);
    const bare = await submit({ ...reader, code_sent: '1' });
    assert.equal(bare.response.status, 400);
    // The code itself still works: the refused press spent nothing.
    const done = await submit({ ...reader, code_sent: '1', code: codeIn(received) });
    assert.equal(done.response.status, 302);
  });

  test('the button without the page’s CSRF token, or from another site, is refused', async () => {
    const { submit, browser } = await atChooser(gateway, 'strict');
    await submit(reader);
    const page = await browser.request(linkIn(await mail.next()));
    const token = formField(page.body, 'token');
    const forged = await browser.request(`${gateway.url}/guest/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' },
      body: new URLSearchParams({ token, csrf: formField(page.body, 'csrf') }).toString(),
    });
    assert.equal(forged.response.status, 403);
    const noToken = await browser.request(`${gateway.url}/guest/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...sameOrigin },
      body: new URLSearchParams({ token }).toString(),
    });
    assert.equal(noToken.response.status, 403);
  });
});
