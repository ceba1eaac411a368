import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../src/config/load.js';
import { redactConfig } from '../../src/config/redact.js';
import { verifyingSite } from '../support/guest-codes.js';

test('a site that verifies guests needs smtp: the config is refused, naming the key', () => {
  const raw = {
    sites: { strict: verifyingSite('strict', { verifyEmail: 'optional' }) },
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

test('verifyEmail: required makes the email required; optional and off leave requireEmail as it is', () => {
  const smtp = { url: 'smtp://127.0.0.1:2525', from: 'Blog <blog@example.com>' };
  const guests = (verifyEmail: string) =>
    parseConfig(
      {
        sites: { blog: verifyingSite('blog', { verifyEmail, requireEmail: false }) },
        smtp,
        dataDir: '/tmp/unused',
      },
      { env: {}, cwd: '/tmp' },
    ).sites.blog?.guests;
  assert.equal(guests('required')?.requireEmail, true);
  assert.equal(guests('optional')?.requireEmail, false);
  assert.equal(guests('off')?.requireEmail, false);
});

test('smtp.requireTls is optional and read from the environment as a boolean', () => {
  const raw = (requireTls: unknown) => ({
    sites: { blog: verifyingSite('blog', { verifyEmail: 'optional' }) },
    smtp: { url: 'smtp://mail.example:587', from: 'Blog <blog@example.com>', requireTls },
    dataDir: '/tmp/unused',
  });
  assert.equal(parseConfig(raw(undefined), { env: {}, cwd: '/tmp' }).smtp?.requireTls, undefined);
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a config placeholder, interpolated by parseConfig
  assert.equal(parseConfig(raw('${TLS}'), { env: { TLS: 'false' }, cwd: '/tmp' }).smtp?.requireTls, false);
  assert.throws(() => parseConfig(raw('maybe'), { env: {}, cwd: '/tmp' }), /smtp\.requireTls/);
});
