import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';
import { createTransport } from 'nodemailer';
import SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { smtpMailer, smtpTransportOptions } from '../../src/mail/mailer.js';
import { startMailServer } from '../support/mail-server.js';

const smtp = (url: string, extra: { requireTls?: boolean } = {}) => ({
  url,
  from: 'Byline <byline@byline.example>',
  timeout: 5_000,
  ...extra,
});

const mail = { to: 'ada@example.com', subject: 'A code', text: '123456', html: '<p>123456</p>' };

test('smtp:// to a host elsewhere requires STARTTLS; a loopback host, smtps:// and requireTls: false do not', () => {
  const requireTLS = (url: string, extra?: { requireTls?: boolean }) =>
    smtpTransportOptions(smtp(url, extra)).requireTLS;
  assert.equal(requireTLS('smtp://mail.example:587'), true);
  assert.equal(requireTLS('smtp://byline:pw@192.0.2.25'), true);
  // A name that only looks local is resolved by DNS: not loopback.
  assert.equal(requireTLS('smtp://127.0.0.1.nip.io:25'), true);
  assert.equal(requireTLS('smtp://127.0.0.1:25'), false);
  assert.equal(requireTLS('smtp://localhost:25'), false);
  assert.equal(requireTLS('smtp://[::1]:25'), false);
  assert.equal(requireTLS('smtp://mail.example:25', { requireTls: false }), false);
  assert.equal(requireTLS('smtp://127.0.0.1:25', { requireTls: true }), true);
  // TLS from the start: nothing to upgrade.
  assert.equal(requireTLS('smtps://mail.example'), false);
});

test('a plain SMTP server without STARTTLS, reached as a host elsewhere, gets no mail', async () => {
  // The test's server offers no STARTTLS (as a server behind a downgrading middlebox seems to). It is
  // reached through nodemailer's getSocket (as through a proxy) while the URL names mail.example.
  const server = await startMailServer();
  const port = Number(new URL(server.url).port);
  const getSocket: SMTPTransport.Options['getSocket'] = (_options, callback) => {
    const socket = connect(port, '127.0.0.1', () => callback(null, { connection: socket }));
    socket.once('error', (error) => callback(error, undefined as never));
  };
  const send = (requireTls?: boolean) => {
    const options = smtpTransportOptions(
      smtp(`smtp://mail.example:${port}`, requireTls === undefined ? {} : { requireTls }),
    );
    const transport = createTransport(new SMTPTransport({ ...options, getSocket }));
    return transport.sendMail({ ...mail, from: 'byline@byline.example' });
  };
  try {
    await assert.rejects(send(), (error: { code?: string }) => error.code === 'ETLS');
    assert.equal(server.mails.length, 0);
    // Turned off in the config, the same server takes the mail: it was STARTTLS that stopped it.
    await send(false);
    assert.equal(server.mails.length, 1);
  } finally {
    await server.close();
  }
});

test('smtpMailer: a loopback server without STARTTLS takes the mail; requireTls: true refuses it', async () => {
  const server = await startMailServer();
  try {
    await smtpMailer(smtp(server.url)).send(mail);
    assert.equal(server.mails.length, 1);
    await assert.rejects(smtpMailer(smtp(server.url, { requireTls: true })).send(mail), {
      name: 'MailError',
      kind: 'unreachable',
    });
    assert.equal(server.mails.length, 1);
  } finally {
    await server.close();
  }
});
