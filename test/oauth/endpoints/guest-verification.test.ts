// Guests who prove their email address through the widget's requests (POST /guest/code, POST /guest):
// the mail, the code's life (once, five tries, ten minutes, replaced) and verifyEmail optional and off.
// The mail's link: guest-link.test.ts; limits and failing mail servers: guest-code-limits.test.ts;
// concurrent tries: guest-code-races.test.ts; the chooser's form: guest-chooser-code.test.ts.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import pino from 'pino';
import { guestId, verifiedGuestId } from '../../../src/tokens/subject.js';
import { startGateway, type TestGateway, testSite } from '../../support/gateway.js';
import { type Answer, from, otherCode, postForm, verifyingSite } from '../../support/guest-codes.js';
import { codeIn, linkIn, startMailServer, type TestMailServer } from '../../support/mail-server.js';

const origin = 'https://strict.example';

let mail: TestMailServer;
let gateway: TestGateway;
/** Every log line the gateway wrote. */
const logged: string[] = [];

before(async () => {
  mail = await startMailServer();
  gateway = await startGateway({
    config: {
      sites: {
        blog: testSite,
        strict: verifyingSite('strict', { verifyEmail: 'required' }),
        open: verifyingSite('open', { verifyEmail: 'optional' }),
      },
      smtp: { url: mail.url, from },
      // The limits have tests of their own; here every test asks for codes for the same reader.
      rateLimits: {
        guestCodes: { points: 1000, window: '1m' },
        guestCodesPerEmail: { points: 1000, window: '1m' },
        guestWrongCodes: { points: 1000, window: '1m' },
      },
    },
    logger: pino(
      { level: 'info' },
      new Writable({
        write(chunk, _encoding, done) {
          logged.push(String(chunk));
          done();
        },
      }),
    ),
  });
});
after(async () => {
  await gateway.close();
  await mail.close();
});

const post = (path: string, fields: Record<string, string>, headers: Record<string, string> = { origin }) =>
  postForm(gateway, path, fields, headers);

const ada = { client_id: 'strict', name: 'Ada Lovelace', email: 'Ada@Example.com' };

/** Asks for a code for `fields` and takes it from the mail the SMTP server received. */
async function mailedCode(fields: Record<string, string> = ada, headers?: Record<string, string>) {
  const asked = await post('/guest/code', fields, headers);
  assert.equal(asked.status, 202, JSON.stringify(asked.body));
  const received = await mail.next();
  return { code: codeIn(received), link: linkIn(received), mail: received, asked };
}

const claimsOf = (answer: Answer) => decodeJwt(answer.body.access_token as string);

describe('a site with verifyEmail: required', () => {
  test('mails a code (text and HTML, the site named) that POST /guest takes: email_verified, a subject of its own', async () => {
    const { code, mail: received, asked } = await mailedCode();
    assert.deepEqual(asked.body, { sent: true });
    assert.equal(asked.headers.get('access-control-allow-origin'), origin);
    assert.equal(asked.headers.get('cache-control'), 'no-store');
    assert.match(code, /^\d{6}$/);
    assert.equal(received.subject, 'Your code for commenting on The strict blog');
    assert.deepEqual(
      received.to && !Array.isArray(received.to)
        ? received.to.value.map((a) => a.address?.toLowerCase())
        : [],
      ['ada@example.com'],
    );
    assert.equal(received.from?.value[0]?.address, 'byline@byline.example');
    assert.equal(received.headers.get('auto-submitted'), 'auto-generated');
    // The greeting names nobody: the name is whatever the requester typed, mailed to any address.
    assert.match(received.text ?? '', /^Hello,$/m);
    assert.doesNotMatch(`${received.text}${received.html}`, /Lovelace/);
    assert.match(String(received.html), new RegExp(`>${code}<`));
    assert.doesNotMatch(String(received.html), /<img|src=|url\(/i);

    const signed = await post('/guest', { ...ada, code });
    assert.equal(signed.status, 200, JSON.stringify(signed.body));
    const claims = claimsOf(signed);
    assert.equal(claims.email_verified, true);
    assert.equal(claims.idp, 'guest');
    assert.equal(claims.email, 'Ada@Example.com');
    const secret = gateway.ctx.keys.rootSecret;
    assert.equal(claims.sub, `guest:${verifiedGuestId(secret, 'ada@example.com')}`);
    // An unverified guest typing the same address (on a site that does not verify) is someone else.
    const typed = await post('/guest', { ...ada, client_id: 'blog' }, { origin: 'https://blog.example' });
    assert.equal(claimsOf(typed).sub, `guest:${guestId(secret, 'ada@example.com')}`);
    assert.notEqual(claimsOf(typed).sub, claims.sub);
    assert.equal(claimsOf(typed).email_verified, false);
  });

  test('no token without a code: a missing code is the code field’s error', async () => {
    const answer = await post('/guest', ada);
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error, 'invalid_request');
    assert.equal(answer.body.field, 'code');
    assert.match(String(answer.body.error_description), /six-digit code/);
    const noEmail = await post('/guest', { client_id: 'strict', name: 'Ada', code: '123456' });
    assert.equal(noEmail.status, 400);
    assert.equal(noEmail.body.field, 'email');
  });

  test('a code works once: used again it is refused and the reader is told to ask for a new one', async () => {
    const { code } = await mailedCode();
    assert.equal((await post('/guest', { ...ada, code })).status, 200);
    const again = await post('/guest', { ...ada, code });
    assert.equal(again.status, 400);
    assert.equal(again.body.field, 'code');
    assert.match(String(again.body.error_description), /expired or was already used\. Ask for a new code/);
  });

  test('five wrong tries end a code, each saying how many are left', async () => {
    const { code } = await mailedCode();
    const wrong = otherCode(code);
    const said: string[] = [];
    for (let i = 0; i < 5; i++) {
      const answer = await post('/guest', { ...ada, code: wrong });
      assert.equal(answer.status, 400);
      assert.equal(answer.body.field, 'code');
      said.push(String(answer.body.error_description));
    }
    assert.deepEqual(said, [
      'That code is not right. 4 tries left.',
      'That code is not right. 3 tries left.',
      'That code is not right. 2 tries left.',
      'That code is not right. 1 try left.',
      'That code is not right, and it cannot be tried again. Ask for a new code.',
    ]);
    const right = await post('/guest', { ...ada, code });
    assert.equal(right.status, 400);
    assert.match(String(right.body.error_description), /Ask for a new code/);
  });

  test('a code expires after 10 minutes', async () => {
    const { code } = await mailedCode();
    gateway.clock.advance(10 * 60_000 + 1);
    const late = await post('/guest', { ...ada, code });
    assert.equal(late.status, 400);
    assert.equal(late.body.field, 'code');
    assert.match(String(late.body.error_description), /expired/);
  });

  test('a new code replaces the one before, and a malformed code is no try', async () => {
    const first = await mailedCode();
    const second = await mailedCode();
    if (first.code !== second.code)
      assert.equal((await post('/guest', { ...ada, code: first.code })).status, 400);
    const malformed = await post('/guest', { ...ada, code: '12ab' });
    assert.match(String(malformed.body.error_description), /six digits/);
    // Spaces and dashes, as readers copy codes, are fine.
    const spaced = `${second.code.slice(0, 3)} ${second.code.slice(3)}`;
    assert.equal((await post('/guest', { ...ada, code: spaced })).status, 200);
  });

  test('a code typed in full-width or Arabic-Indic digits is the same code', async () => {
    const digits = (code: string, zero: number) =>
      [...code].map((digit) => String.fromCharCode(zero + Number(digit))).join('');
    // Full-width (a Japanese or Chinese keyboard), Arabic-Indic (Arabic), Extended Arabic-Indic (Persian).
    for (const zero of [0xff10, 0x0660, 0x06f0]) {
      const { code } = await mailedCode();
      const typed = digits(code, zero);
      assert.notEqual(typed, code);
      const signed = await post('/guest', { ...ada, code: typed });
      assert.equal(signed.status, 200, `${zero.toString(16)}: ${JSON.stringify(signed.body)}`);
      assert.equal(claimsOf(signed).email_verified, true);
    }
    // Read as 123456: a try of that code (wrong, unless the mail said 123456), never a malformed code.
    for (const typed of ['１２３４５６', '١٢٣٤٥٦', '۱۲۳ ۴۵۶']) {
      const { code } = await mailedCode();
      const answer = await post('/guest', { ...ada, code: typed });
      if (code === '123456') assert.equal(answer.status, 200);
      else assert.equal(answer.body.error_description, 'That code is not right. 4 tries left.', typed);
    }
  });

  test('POST /guest/code checks the site, its origin and the address', async () => {
    const before = mail.mails.length;
    assert.equal((await post('/guest/code', ada, {})).status, 403);
    assert.equal((await post('/guest/code', ada, { origin: 'https://evil.example' })).status, 403);
    assert.equal((await post('/guest/code', { ...ada, client_id: 'nope' })).status, 401);
    const bad = await post('/guest/code', { ...ada, email: 'ada@' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, 'email');
    const none = await post('/guest/code', { client_id: 'strict' });
    assert.equal(none.body.field, 'email');
    const preflight = await fetch(`${gateway.url}/guest/code`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.headers.get('access-control-allow-origin'), origin);
    assert.equal(mail.mails.length, before);
  });

  test('a name sent with POST /guest/code is ignored: none of it reaches the mail', async () => {
    for (const name of ['Visit evil.example now', 'Ada\r\nBcc: eve@evil.example']) {
      const { mail: received } = await mailedCode({ ...ada, name });
      assert.match(received.text ?? '', /^Hello,$/m);
      assert.doesNotMatch(`${received.text}${received.html}`, /evil|Visit/);
      assert.equal(received.headers.get('bcc'), undefined);
    }
  });

  test('nothing of the mail, the code or the address reaches the logs', async () => {
    const { code, link } = await mailedCode({ ...ada, email: 'private.person@example.org' });
    await post('/guest', { ...ada, email: 'private.person@example.org', code });
    await fetch(link);
    const token = new URL(link).searchParams.get('token') as string;
    const text = logged.join('');
    assert.match(text, /guest code mailed/);
    for (const secret of [code, 'private.person', 'example.org', token, token.split('.')[1] as string])
      assert.equal(text.includes(secret), false, `the logs hold ${secret}`);
  });
});

describe('verifyEmail: optional and off', () => {
  const reader = { client_id: 'open', name: 'Grace', email: 'grace@example.com' };
  const openOrigin = { origin: 'https://open.example' };

  test('optional: without a code a guest comments unverified; with one, verified', async () => {
    const plain = await post('/guest', reader, openOrigin);
    assert.equal(plain.status, 200);
    assert.equal(claimsOf(plain).email_verified, false);
    assert.equal(claimsOf(plain).sub, `guest:${guestId(gateway.ctx.keys.rootSecret, 'grace@example.com')}`);
    const { code } = await mailedCode(reader, openOrigin);
    const proven = await post('/guest', { ...reader, code }, openOrigin);
    assert.equal(claimsOf(proven).email_verified, true);
    // A wrong code is an error, not a quiet fall back to an unverified login.
    const wrong = await post('/guest', { ...reader, code: '000000' }, openOrigin);
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.field, 'code');
  });

  test('off: as before — no codes, a code field ignored, email_verified false', async () => {
    const headers = { origin: 'https://blog.example' };
    const before = mail.mails.length;
    const asked = await post('/guest/code', { ...ada, client_id: 'blog' }, headers);
    assert.equal(asked.status, 403);
    const signed = await post('/guest', { ...ada, client_id: 'blog', code: '123456' }, headers);
    assert.equal(signed.status, 200);
    assert.equal(claimsOf(signed).email_verified, false);
    assert.equal(mail.mails.length, before);
    const config = (await (await fetch(`${gateway.url}/widget/config?client_id=blog`)).json()) as {
      guests: Record<string, unknown>;
    };
    assert.equal(config.guests.verifyEmail, 'off');
  });
});
