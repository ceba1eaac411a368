// A guest in another language, over HTTP: the code's mail through a real SMTP server, the page its
// link opens, and the field errors the widget shows, each in the language the widget asked for.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { from, otherCode, postForm } from '../support/guest-codes.js';
import { codeIn, linkIn, startMailServer, type TestMailServer } from '../support/mail-server.js';

const origin = 'https://strict.example';
let mail: TestMailServer;
let gateway: TestGateway;

before(async () => {
  mail = await startMailServer();
  gateway = await startGateway({
    config: {
      sites: {
        strict: {
          name: 'Le blog strict',
          origins: [origin],
          redirectUris: [`${origin}/callback`],
          guests: { verifyEmail: 'required' },
        },
      },
      smtp: { url: mail.url, from },
    },
  });
});
after(async () => {
  await gateway.close();
  await mail.close();
});

const post = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  postForm(gateway, path, fields, { origin, ...headers });

const camille = { client_id: 'strict', name: 'Camille Lefèvre', email: 'camille@example.com' };

test('a code asked for in French is mailed in French; its link opens a French page; wrong tries are told in French', async () => {
  const asked = await post('/guest/code', { ...camille, ui_locales: 'fr' });
  assert.equal(asked.status, 202);
  const received = await mail.next();
  assert.equal(received.subject, 'Votre code pour commenter sur Le blog strict');
  // The greeting names nobody: the name is only what the form was given.
  assert.match(received.text ?? '', /^Bonjour,$/m);
  assert.doesNotMatch(received.text ?? '', /Camille/);
  assert.match(received.text ?? '', /Le code ne sert qu’une fois, pendant 10 minutes\./);
  assert.match(String(received.html), /<html lang="fr" dir="ltr">/);
  const code = codeIn(received);

  const link = linkIn(received);
  assert.equal(new URL(link).searchParams.get('ui_locales'), 'fr');
  // The browser that opens it prefers German: the page still speaks the mail's language.
  const page = await fetch(link, { headers: { 'accept-language': 'de' } });
  const html = await page.text();
  assert.match(html, /<html lang="fr" dir="ltr">/);
  assert.match(html, /Confirmez votre adresse e-mail/);
  assert.match(html, /<input type="hidden" name="ui_locales" value="fr">/);

  const tried = await post('/guest', { ...camille, code: otherCode(code), ui_locales: 'fr' });
  assert.equal(tried.status, 400);
  assert.equal(tried.body.field, 'code');
  assert.equal(tried.body.error_description, 'Ce code n’est pas le bon. Il vous reste 4 essais.');
  const done = await post('/guest', { ...camille, code, ui_locales: 'fr' });
  assert.equal(done.status, 200);
});

test('field errors come in the language asked for (ui_locales), else the browser’s (Accept-Language)', async () => {
  const japanese = await post('/guest', { client_id: 'strict', email: 'nope' }, { 'accept-language': 'ja' });
  assert.equal(japanese.status, 400);
  assert.deepEqual(japanese.body.fields, {
    email: '有効なメールアドレスを入力してください（例: name@example.com）。',
    name: '名前を入力してください。',
  });
  const arabic = await post(
    '/guest',
    { client_id: 'strict', email: 'nope', ui_locales: 'ar' },
    { 'accept-language': 'ja' },
  );
  assert.equal((arabic.body.fields as Record<string, string>).name, 'أدخل اسمك.');
  // The error code stays the protocol's; only the words change.
  assert.equal(arabic.body.error, 'invalid_request');
});

test('OAuth answers to sites keep English (ASCII) descriptions whatever the browser prefers', async () => {
  const response = await fetch(`${gateway.url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'ja' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: 'strict',
      code: 'x',
    }).toString(),
  });
  const body = (await response.json()) as { error_description: string };
  assert.match(body.error_description, /^[\x20-\x7e]+$/);
});
