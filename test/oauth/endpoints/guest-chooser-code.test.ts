// The chooser's guest form on a site that verifies addresses, without JavaScript: asking for the code,
// typing it, what an empty address gets, a mail server that is down, and the Byline session of
// rememberVerified sites. The mail's link: guest-link.test.ts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import { authorizeUrl, redeem, siteParams } from '../../support/flow.js';
import { startGateway, type TestGateway } from '../../support/gateway.js';
import { atChooser, from, verifyingSite } from '../../support/guest-codes.js';
import {
  codeIn,
  downMailServerUrl,
  startMailServer,
  type TestMailServer,
} from '../../support/mail-server.js';
import { pkce } from '../../support/pkce.js';

let mail: TestMailServer;
let gateway: TestGateway;

before(async () => {
  mail = await startMailServer();
  gateway = await startGateway({
    config: {
      sites: {
        strict: verifyingSite('strict', { verifyEmail: 'required' }),
        open: verifyingSite('open', { verifyEmail: 'optional' }),
        remember: verifyingSite('remember', { verifyEmail: 'required', rememberVerified: true }),
        // Sites that let guests leave the address out, and verify those who give one.
        bare: verifyingSite('bare', { verifyEmail: 'required', requireEmail: false }),
        loose: verifyingSite('loose', { verifyEmail: 'optional', requireEmail: false }),
      },
      smtp: { url: mail.url, from },
      // Every test here asks for codes for the same reader; the limits are tested in guest-code-limits.
      rateLimits: { guestCodesPerEmail: { points: 1000, window: '1m' } },
    },
  });
});
after(async () => {
  await gateway.close();
  await mail.close();
});

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
    const { page, submit, verifier, browser } = await atChooser(gateway, 'strict');
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
    const { submit } = await atChooser(gateway, 'strict');
    await submit(reader);
    await mail.next();
    const bare = await submit({ ...reader, code_sent: '1' });
    assert.equal(bare.response.status, 400);
    assert.match(bare.body, /id="guest-code-error">Enter the six-digit code we mailed to you\./);
  });

  test('optional: “Continue as guest” stays unverified; “Confirm my email address” asks for a code', async () => {
    const plain = await atChooser(gateway, 'open');
    assert.match(plain.page.body, />Continue as guest</);
    assert.match(plain.page.body, /name="send_code" value="1" class="secondary">Confirm my email address</);
    const done = await plain.submit(reader);
    assert.equal(done.response.status, 302);
    assert.equal(
      (await claimsAt('open', done.response.headers.get('location'), plain.verifier)).email_verified,
      false,
    );

    const proving = await atChooser(gateway, 'open');
    const asked = await proving.submit({ ...reader, send_code: '1' });
    assert.match(asked.body, /We mailed a six-digit code/);
    const code = codeIn(await mail.next());
    const verified = await proving.submit({ ...reader, code_sent: '1', code });
    assert.equal(
      (await claimsAt('open', verified.response.headers.get('location'), proving.verifier)).email_verified,
      true,
    );
  });

  test('rememberVerified: a Byline session for the verified guest, so the next login needs no code', async () => {
    const first = await atChooser(gateway, 'remember');
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

describe('an empty address on a site that verifies', () => {
  test('optional, email not required: “Confirm my email address” without one asks for it, and mails nothing', async () => {
    const before = mail.mails.length;
    const { page, submit } = await atChooser(gateway, 'loose');
    assert.match(page.body, /Confirm my email address/);
    // Asked many times: no bucket shared by every address-less reader fills up (no rate limit counted).
    for (let i = 0; i < 12; i++) {
      const asked = await submit({ ...reader, email: '', send_code: '1' });
      assert.equal(asked.response.status, 400);
      assert.match(
        asked.body,
        /id="guest-email-error">Enter your email address: this site mails you a code to confirm it\./,
      );
      assert.doesNotMatch(asked.body, /name="code"/);
    }
    assert.equal(mail.mails.length, before);
    // Continue without an address is a guest as before, unverified.
    const done = await submit({ ...reader, email: '' });
    assert.equal(done.response.status, 302);
  });

  test('required: the address is required too, whatever requireEmail says', async () => {
    const before = mail.mails.length;
    const { page, submit } = await atChooser(gateway, 'bare');
    assert.match(page.body, /name="email"[^>]* required/);
    const asked = await submit({ ...reader, email: '' });
    assert.equal(asked.response.status, 400);
    assert.match(asked.body, /id="guest-email-error">/);
    assert.equal(mail.mails.length, before);
    const config = (await (await fetch(`${gateway.url}/widget/config?client_id=bare`)).json()) as {
      guests: Record<string, unknown>;
    };
    assert.equal(config.guests.requireEmail, true);
  });
});

test('the chooser with the mail server down: the message in the form, what was typed kept, no code field', async () => {
  const down = await startGateway({
    config: {
      sites: { strict: verifyingSite('strict', { verifyEmail: 'required' }) },
      smtp: { url: await downMailServerUrl(), from },
    },
  });
  try {
    const asked = await (await atChooser(down, 'strict')).submit(reader);
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
