import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import pino from 'pino';
import { guestId, verifiedGuestId } from '../../../src/tokens/subject.js';
import { startGateway, type TestGateway, testSite } from '../../support/gateway.js';
import {
  codeIn,
  downMailServerUrl,
  linkIn,
  type MailServerOptions,
  startMailServer,
  type TestMailServer,
} from '../../support/mail-server.js';

const from = 'Byline <byline@byline.example>';
const origin = 'https://strict.example';

/** A site at https://<id>.example whose guests verify their address as `verifyEmail` says. */
const verifyingSite = (id: string, verifyEmail: string) => ({
  name: `The ${id} blog`,
  origins: [`https://${id}.example`],
  redirectUris: [`https://${id}.example/callback`],
  trusted: true,
  claims: ['email'],
  guests: { verifyEmail },
});

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
        strict: verifyingSite('strict', 'required'),
        open: verifyingSite('open', 'optional'),
      },
      smtp: { url: mail.url, from },
      // The limits have tests of their own below; here every test asks for codes for the same reader.
      rateLimits: {
        guestCodes: { points: 1000, window: '1m' },
        guestCodesPerEmail: { points: 1000, window: '1m' },
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

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

async function post(
  target: TestGateway,
  path: string,
  fields: Record<string, string>,
  headers: Record<string, string> = { origin },
): Promise<Answer> {
  const response = await fetch(`${target.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

const ada = { client_id: 'strict', name: 'Ada Lovelace', email: 'Ada@Example.com' };

/** Asks for a code for `fields` and takes it from the mail the SMTP server received. */
async function mailedCode(fields: Record<string, string> = ada, headers?: Record<string, string>) {
  const asked = await post(gateway, '/guest/code', fields, headers);
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
    assert.match(received.text ?? '', /Hello Ada Lovelace,/);
    assert.match(String(received.html), new RegExp(`>${code}<`));
    assert.doesNotMatch(String(received.html), /<img|src=|url\(/i);

    const signed = await post(gateway, '/guest', { ...ada, code });
    assert.equal(signed.status, 200, JSON.stringify(signed.body));
    const claims = claimsOf(signed);
    assert.equal(claims.email_verified, true);
    assert.equal(claims.idp, 'guest');
    assert.equal(claims.email, 'Ada@Example.com');
    const secret = gateway.ctx.keys.rootSecret;
    assert.equal(claims.sub, `guest:${verifiedGuestId(secret, 'ada@example.com')}`);
    // An unverified guest typing the same address (on a site that does not verify) is someone else.
    const typed = await post(
      gateway,
      '/guest',
      { ...ada, client_id: 'blog' },
      { origin: 'https://blog.example' },
    );
    assert.equal(claimsOf(typed).sub, `guest:${guestId(secret, 'ada@example.com')}`);
    assert.notEqual(claimsOf(typed).sub, claims.sub);
    assert.equal(claimsOf(typed).email_verified, false);
  });

  test('no token without a code: a missing code is the code field’s error', async () => {
    const answer = await post(gateway, '/guest', ada);
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error, 'invalid_request');
    assert.equal(answer.body.field, 'code');
    assert.match(String(answer.body.error_description), /six-digit code/);
    const noEmail = await post(gateway, '/guest', { client_id: 'strict', name: 'Ada', code: '123456' });
    assert.equal(noEmail.status, 400);
    assert.equal(noEmail.body.field, 'email');
  });

  test('a code works once: used again it is refused and the reader is told to ask for a new one', async () => {
    const { code } = await mailedCode();
    assert.equal((await post(gateway, '/guest', { ...ada, code })).status, 200);
    const again = await post(gateway, '/guest', { ...ada, code });
    assert.equal(again.status, 400);
    assert.equal(again.body.field, 'code');
    assert.match(String(again.body.error_description), /expired or was already used\. Ask for a new code/);
  });

  test('five wrong tries end a code, each saying how many are left', async () => {
    const { code } = await mailedCode();
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const said: string[] = [];
    for (let i = 0; i < 5; i++) {
      const answer = await post(gateway, '/guest', { ...ada, code: wrong });
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
    const right = await post(gateway, '/guest', { ...ada, code });
    assert.equal(right.status, 400);
    assert.match(String(right.body.error_description), /Ask for a new code/);
  });

  test('a code expires after 10 minutes', async () => {
    const { code } = await mailedCode();
    gateway.clock.advance(10 * 60_000 + 1);
    const late = await post(gateway, '/guest', { ...ada, code });
    assert.equal(late.status, 400);
    assert.equal(late.body.field, 'code');
    assert.match(String(late.body.error_description), /expired/);
  });

  test('a new code replaces the one before, and a malformed code is no try', async () => {
    const first = await mailedCode();
    const second = await mailedCode();
    if (first.code !== second.code)
      assert.equal((await post(gateway, '/guest', { ...ada, code: first.code })).status, 400);
    const malformed = await post(gateway, '/guest', { ...ada, code: '12ab' });
    assert.match(String(malformed.body.error_description), /six digits/);
    // Spaces and dashes, as readers copy codes, are fine.
    const spaced = `${second.code.slice(0, 3)} ${second.code.slice(3)}`;
    assert.equal((await post(gateway, '/guest', { ...ada, code: spaced })).status, 200);
  });

  test('POST /guest/code checks the site, its origin and the address', async () => {
    const before = mail.mails.length;
    assert.equal((await post(gateway, '/guest/code', ada, {})).status, 403);
    assert.equal((await post(gateway, '/guest/code', ada, { origin: 'https://evil.example' })).status, 403);
    assert.equal((await post(gateway, '/guest/code', { ...ada, client_id: 'nope' })).status, 401);
    const bad = await post(gateway, '/guest/code', { ...ada, email: 'ada@' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, 'email');
    const none = await post(gateway, '/guest/code', { client_id: 'strict' });
    assert.equal(none.body.field, 'email');
    const preflight = await fetch(`${gateway.url}/guest/code`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.headers.get('access-control-allow-origin'), origin);
    assert.equal(mail.mails.length, before);
  });

  test('nothing of the mail, the code or the address reaches the logs', async () => {
    const { code, link } = await mailedCode({ ...ada, email: 'private.person@example.org' });
    await post(gateway, '/guest', { ...ada, email: 'private.person@example.org', code });
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
    const plain = await post(gateway, '/guest', reader, openOrigin);
    assert.equal(plain.status, 200);
    assert.equal(claimsOf(plain).email_verified, false);
    assert.equal(claimsOf(plain).sub, `guest:${guestId(gateway.ctx.keys.rootSecret, 'grace@example.com')}`);
    const { code } = await mailedCode(reader, openOrigin);
    const proven = await post(gateway, '/guest', { ...reader, code }, openOrigin);
    assert.equal(claimsOf(proven).email_verified, true);
    // A wrong code is an error, not a quiet fall back to an unverified login.
    const wrong = await post(gateway, '/guest', { ...reader, code: '000000' }, openOrigin);
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.field, 'code');
  });

  test('off: as before — no codes, a code field ignored, email_verified false', async () => {
    const headers = { origin: 'https://blog.example' };
    const before = mail.mails.length;
    const asked = await post(gateway, '/guest/code', { ...ada, client_id: 'blog' }, headers);
    assert.equal(asked.status, 403);
    const signed = await post(gateway, '/guest', { ...ada, client_id: 'blog', code: '123456' }, headers);
    assert.equal(signed.status, 200);
    assert.equal(claimsOf(signed).email_verified, false);
    assert.equal(mail.mails.length, before);
    const config = (await (await fetch(`${gateway.url}/widget/config?client_id=blog`)).json()) as {
      guests: Record<string, unknown>;
    };
    assert.equal(config.guests.verifyEmail, 'off');
  });
});

describe('the mail’s link', () => {
  test('its GET spends nothing (a scanner may follow it); the button’s POST confirms, once', async () => {
    const { code, link } = await mailedCode();
    for (let i = 0; i < 3; i++) {
      const page = await fetch(link);
      assert.equal(page.status, 200);
      assert.equal(page.headers.get('cache-control'), 'no-store');
      assert.match(await page.text(), /Confirm my email address/);
    }
    // The code still works after the GETs: they spent nothing.
    assert.equal((await post(gateway, '/guest', { ...ada, code })).status, 200);
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
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] as string;
    const token = /name="token" value="([^"]+)"/.exec(html)?.[1] as string;
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
    const signed = await post(gateway, '/guest', ada);
    assert.equal(signed.status, 200, JSON.stringify(signed.body));
    assert.equal(claimsOf(signed).email_verified, true);
    assert.equal((await post(gateway, '/guest', ada)).status, 400);
    assert.equal((await post(gateway, '/guest', { ...ada, code })).status, 400);
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

describe('rate limits and a mail server that fails', () => {
  async function limitedGateway(config: Record<string, unknown>, server: TestMailServer) {
    return startGateway({
      config: {
        sites: { strict: verifyingSite('strict', 'required') },
        smtp: { url: server.url, from },
        http: { trustProxy: 1 },
        ...config,
      },
    });
  }

  test('per client address: codes for many addresses from one client stop at the limit', async () => {
    const server = await startMailServer();
    const limited = await limitedGateway(
      { rateLimits: { guestCodes: { points: 2, window: '10m' } } },
      server,
    );
    try {
      const ask = (n: number) => post(limited, '/guest/code', { ...ada, email: `reader${n}@example.com` });
      assert.equal((await ask(1)).status, 202);
      assert.equal((await ask(2)).status, 202);
      const third = await ask(3);
      assert.equal(third.status, 429);
      assert.equal(third.body.error, 'too_many_requests');
      assert.ok(Number(third.headers.get('retry-after')) > 0);
      assert.equal(server.mails.length, 2);
    } finally {
      await limited.close();
      await server.close();
    }
  });

  test('per email address: codes to one address from many clients stop at the limit', async () => {
    const server = await startMailServer();
    const limited = await limitedGateway(
      { rateLimits: { guestCodesPerEmail: { points: 2, window: '1h' } } },
      server,
    );
    try {
      const ask = (n: number) =>
        post(limited, '/guest/code', ada, { origin, 'x-forwarded-for': `203.0.113.${n}` });
      assert.equal((await ask(1)).status, 202);
      assert.equal((await ask(2)).status, 202);
      const third = await ask(3);
      assert.equal(third.status, 429);
      assert.match(String(third.body.error_description), /this email address/);
      // Another address is not held back.
      const other = await post(
        limited,
        '/guest/code',
        { ...ada, email: 'other@example.com' },
        {
          origin,
          'x-forwarded-for': '203.0.113.4',
        },
      );
      assert.equal(other.status, 202);
      assert.equal(server.mails.length, 3);
    } finally {
      await limited.close();
      await server.close();
    }
  });

  test('a refused address, a refused mail and a server that is down each say so; nothing is sent twice', async () => {
    const options: MailServerOptions = { refuseRecipients: true };
    const server = await startMailServer(options);
    const limited = await limitedGateway({}, server);
    try {
      const refusedAddress = await post(limited, '/guest/code', ada);
      assert.equal(refusedAddress.status, 400);
      assert.equal(refusedAddress.body.field, 'email');
      assert.match(String(refusedAddress.body.error_description), /refused this address/);

      options.refuseRecipients = false;
      const sent = await post(limited, '/guest/code', ada);
      assert.equal(sent.status, 202);
      const { code } = { code: codeIn(await server.next()) };

      options.refuseData = true;
      const refusedMail = await post(limited, '/guest/code', ada);
      assert.equal(refusedMail.status, 503);
      assert.equal(refusedMail.body.error, 'temporarily_unavailable');
      assert.match(String(refusedMail.body.error_description), /mail server refused it/);
      // The mail that failed stored no code: the one mailed before still works, and was mailed once.
      assert.equal(server.mails.length, 1);
      assert.equal((await post(limited, '/guest', { ...ada, code })).status, 200);
    } finally {
      await limited.close();
      await server.close();
    }

    const down = await startGateway({
      config: {
        sites: { strict: verifyingSite('strict', 'required') },
        smtp: { url: await downMailServerUrl(), from },
      },
    });
    try {
      const unreachable = await post(down, '/guest/code', ada);
      assert.equal(unreachable.status, 503);
      assert.match(String(unreachable.body.error_description), /did not answer/);
      assert.ok(Number(unreachable.headers.get('retry-after')) > 0);
    } finally {
      await down.close();
    }
  });
});
