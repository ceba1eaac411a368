// The chooser's guest form with a mailed code, without JavaScript: asking for the code, typing it or
// using the mail's link in the same browser, and the Byline session of rememberVerified sites.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import { parseConfig } from '../../../src/config/load.js';
import { redactConfig } from '../../../src/config/redact.js';
import { Browser } from '../../support/browser.js';
import { authorizeUrl, redeem, siteParams } from '../../support/flow.js';
import { startGateway, type TestGateway } from '../../support/gateway.js';
import {
  codeIn,
  downMailServerUrl,
  linkIn,
  startMailServer,
  type TestMailServer,
} from '../../support/mail-server.js';
import { pkce } from '../../support/pkce.js';

const site = (id: string, guests: Record<string, unknown>) => ({
  name: `The ${id} blog`,
  origins: [`https://${id}.example`],
  redirectUris: [`https://${id}.example/callback`],
  trusted: true,
  claims: ['email'],
  guests,
});

let mail: TestMailServer;
let gateway: TestGateway;

before(async () => {
  mail = await startMailServer();
  gateway = await startGateway({
    config: {
      sites: {
        strict: site('strict', { verifyEmail: 'required' }),
        open: site('open', { verifyEmail: 'optional' }),
        remember: site('remember', { verifyEmail: 'required', rememberVerified: true }),
      },
      smtp: { url: mail.url, from: 'byline@byline.example' },
      // Every test here asks for codes for the same reader; the limits are tested in guest-verification.
      rateLimits: { guestCodesPerEmail: { points: 1000, window: '1m' } },
    },
  });
});
after(async () => {
  await gateway.close();
  await mail.close();
});

const sameOrigin = { 'sec-fetch-site': 'same-origin' };
const field = (html: string, name: string) =>
  new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1] as string;

/** A reader at the chooser of `siteId`, in a browser of their own. */
async function atChooser(siteId: string, browser = new Browser()) {
  const { verifier, challenge } = pkce();
  const page = await browser.request(
    authorizeUrl(gateway, challenge, { site: siteId, redirectUri: `https://${siteId}.example/callback` }),
  );
  const form = { ar: field(page.body, 'ar'), csrf: field(page.body, 'csrf') };
  const submit = (fields: Record<string, string>) =>
    browser.request(`${gateway.url}/auth/guest`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...sameOrigin },
      body: new URLSearchParams({ ...form, ...fields }).toString(),
    });
  return { browser, verifier, page, submit };
}

const reader = { name: 'Ada Lovelace', email: 'ada@example.com', website: '' };

async function claimsAt(siteId: string, location: string | null, verifier: string) {
  const params = siteParams(location ?? undefined);
  const tokens = await redeem(gateway, {
    grant_type: 'authorization_code',
    code: params.get('code') as string,
    redirect_uri: `https://${siteId}.example/callback`,
    code_verifier: verifier,
    client_id: siteId,
  });
  assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
  return decodeJwt(tokens.body.access_token as string);
}

describe('the chooser’s guest form on a site that verifies', () => {
  test('required: “Send me a code”, then the code typed in the form continues to the site, verified', async () => {
    const { page, submit, verifier, browser } = await atChooser('strict');
    assert.match(page.body, /name="send_code" value="1">Send me a code</);
    assert.doesNotMatch(page.body, /Continue as guest/);

    // Pressing Enter in a field sends the form with its first button: the code is mailed.
    const asked = await submit(reader);
    assert.equal(asked.response.status, 200);
    assert.match(asked.body, /We mailed a six-digit code to ada@example\.com/);
    assert.match(asked.body, /name="code" type="text" inputmode="numeric" autocomplete="one-time-code"/);
    assert.match(asked.body, /value="Ada Lovelace"/);
    const code = codeIn(await mail.next());

    const wrong = await submit({ ...reader, code_sent: '1', code: code === '000000' ? '000001' : '000000' });
    assert.equal(wrong.response.status, 400);
    assert.match(
      wrong.body,
      /<p class="field-error" id="guest-code-error">That code is not right\. 4 tries left\.<\/p>/,
    );

    const done = await submit({ ...reader, code_sent: '1', code });
    assert.equal(done.response.status, 302);
    const claims = await claimsAt('strict', done.response.headers.get('location'), verifier);
    assert.equal(claims.email_verified, true);
    assert.equal(claims.name, 'Ada Lovelace');
    // Without rememberVerified, a verified guest gets no Byline browser session either.
    assert.equal(browser.cookie('byline_session'), undefined);
  });

  test('required: Continue without a code or a confirmation is refused in the form', async () => {
    const { submit } = await atChooser('strict');
    await submit(reader);
    await mail.next();
    const bare = await submit({ ...reader, code_sent: '1' });
    assert.equal(bare.response.status, 400);
    assert.match(bare.body, /id="guest-code-error">Enter the six-digit code we mailed to you\./);
  });

  test('optional: “Continue as guest” stays unverified; “Confirm my email address” asks for a code', async () => {
    const plain = await atChooser('open');
    assert.match(plain.page.body, />Continue as guest</);
    assert.match(plain.page.body, /name="send_code" value="1" class="secondary">Confirm my email address</);
    const done = await plain.submit(reader);
    assert.equal(done.response.status, 302);
    assert.equal(
      (await claimsAt('open', done.response.headers.get('location'), plain.verifier)).email_verified,
      false,
    );

    const proving = await atChooser('open');
    const asked = await proving.submit({ ...reader, send_code: '1' });
    assert.match(asked.body, /We mailed a six-digit code/);
    const code = codeIn(await mail.next());
    const verified = await proving.submit({ ...reader, code_sent: '1', code });
    assert.equal(
      (await claimsAt('open', verified.response.headers.get('location'), proving.verifier)).email_verified,
      true,
    );
  });

  test('the mail’s link: its GET spends nothing; the button, in the same browser, lets Continue go on without a code', async () => {
    const { submit, verifier, browser } = await atChooser('strict');
    await submit(reader);
    const link = linkIn(await mail.next());
    const page = await browser.request(link);
    assert.equal(page.response.status, 200);
    assert.equal((await browser.request(link)).response.status, 200);
    const pressed = await browser.request(`${gateway.url}/guest/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...sameOrigin },
      body: new URLSearchParams({
        token: field(page.body, 'token'),
        csrf: field(page.body, 'csrf'),
      }).toString(),
    });
    assert.equal(pressed.response.status, 200);
    assert.match(pressed.body, /Go back to the login window and press Continue/);
    const done = await submit({ ...reader, code_sent: '1' });
    assert.equal(done.response.status, 302);
    assert.equal(
      (await claimsAt('strict', done.response.headers.get('location'), verifier)).email_verified,
      true,
    );
  });

  test('the button pressed in another browser confirms nothing for the one that asked', async () => {
    const { submit } = await atChooser('strict');
    await submit(reader);
    const received = await mail.next();
    const other = new Browser();
    const page = await other.request(linkIn(received));
    const pressed = await other.request(`${gateway.url}/guest/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...sameOrigin },
      body: new URLSearchParams({
        token: field(page.body, 'token'),
        csrf: field(page.body, 'csrf'),
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
    const { submit, browser } = await atChooser('strict');
    await submit(reader);
    const page = await browser.request(linkIn(await mail.next()));
    const token = field(page.body, 'token');
    const forged = await browser.request(`${gateway.url}/guest/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' },
      body: new URLSearchParams({ token, csrf: field(page.body, 'csrf') }).toString(),
    });
    assert.equal(forged.response.status, 403);
    const noToken = await browser.request(`${gateway.url}/guest/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...sameOrigin },
      body: new URLSearchParams({ token }).toString(),
    });
    assert.equal(noToken.response.status, 403);
  });

  test('rememberVerified: a Byline session for the verified guest, so the next login needs no code', async () => {
    const first = await atChooser('remember');
    await first.submit(reader);
    const code = codeIn(await mail.next());
    const done = await first.submit({ ...reader, code_sent: '1', code });
    const claims = await claimsAt('remember', done.response.headers.get('location'), first.verifier);
    assert.ok(first.browser.cookie('byline_session'));

    const mailsBefore = mail.mails.length;
    const { verifier, challenge } = pkce();
    const again = await first.browser.request(
      authorizeUrl(gateway, challenge, {
        site: 'remember',
        redirectUri: 'https://remember.example/callback',
      }),
    );
    assert.equal(again.response.status, 302);
    const next = await claimsAt('remember', again.response.headers.get('location'), verifier);
    assert.equal(next.sub, claims.sub);
    assert.equal(next.email_verified, true);
    assert.equal(mail.mails.length, mailsBefore);

    // A site without rememberVerified does not take that session: its chooser asks as before.
    const { challenge: other } = pkce();
    const strict = await first.browser.request(
      authorizeUrl(gateway, other, { site: 'strict', redirectUri: 'https://strict.example/callback' }),
    );
    assert.equal(strict.response.status, 200);
    assert.match(strict.body, /Send me a code/);
  });
});

test('the chooser with the mail server down: the message in the form, what was typed kept, no code field', async () => {
  const down = await startGateway({
    config: {
      sites: { strict: site('strict', { verifyEmail: 'required' }) },
      smtp: { url: await downMailServerUrl(), from: 'byline@byline.example' },
    },
  });
  try {
    const browser = new Browser();
    const { challenge } = pkce();
    const page = await browser.request(
      authorizeUrl(down, challenge, { site: 'strict', redirectUri: 'https://strict.example/callback' }),
    );
    const asked = await browser.request(`${down.url}/auth/guest`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...sameOrigin },
      body: new URLSearchParams({
        ar: field(page.body, 'ar'),
        csrf: field(page.body, 'csrf'),
        ...reader,
      }).toString(),
    });
    assert.equal(asked.response.status, 503);
    assert.match(
      asked.body,
      /id="guest-email-error">The code could not be mailed: the mail server did not answer/,
    );
    assert.match(asked.body, /value="Ada Lovelace"/);
    assert.doesNotMatch(asked.body, /name="code"/);
  } finally {
    await down.close();
  }
});

test('a site that verifies guests needs smtp: the config is refused, naming the key', () => {
  const raw = {
    sites: { strict: site('strict', { verifyEmail: 'optional' }) },
    dataDir: '/tmp/unused',
  };
  assert.throws(
    () => parseConfig(raw, { env: {}, cwd: '/tmp' }),
    /sites\.strict\.guests\.verifyEmail: needs smtp \(url and from\) to mail guests their codes/,
  );
  const withSmtp = parseConfig(
    {
      ...raw,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a config placeholder, interpolated by parseConfig
      smtp: { url: 'smtps://byline:${SMTP_PASSWORD}@mail.example', from: 'Blog <blog@example.com>' },
    },
    { env: { SMTP_PASSWORD: 'pw-from-env' }, cwd: '/tmp' },
  );
  assert.equal(withSmtp.smtp?.url, 'smtps://byline:pw-from-env@mail.example');
  assert.equal(withSmtp.smtp?.timeout, 10_000);
  // check-config never prints the password.
  const printed = redactConfig(withSmtp) as { smtp: { url: string } };
  assert.equal(printed.smtp.url, 'smtps://byline:[redacted]@mail.example');
  assert.throws(
    () => parseConfig({ ...raw, smtp: { url: 'https://mail.example', from: 'x' } }, { env: {}, cwd: '/tmp' }),
    /smtp\.url: must be an smtp:\/\/ or smtps:\/\/ URL/,
  );
});
