import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mailboxKey, normalisedEmail } from '../../src/mail/address.js';

test('normalisedEmail: trimmed and lower-cased, nothing else (guest subjects depend on it)', () => {
  assert.equal(normalisedEmail('  Ada+Blog@Example.COM '), 'ada+blog@example.com');
  assert.equal(normalisedEmail('a.da@gmail.com'), 'a.da@gmail.com');
  // Not NFC: an address typed decomposed keeps the subject it always had.
  assert.equal(normalisedEmail('Jose\u0301@example.com'), 'jose\u0301@example.com');
});

test('mailboxKey: one key for the spellings of one mailbox', () => {
  const ada = mailboxKey('ada@example.com');
  for (const spelling of [
    'Ada@Example.com',
    ' ada@example.com ',
    'ada+comments@example.com',
    'ADA+x+y@EXAMPLE.COM',
  ])
    assert.equal(mailboxKey(spelling), ada, spelling);
  // Composed and decomposed accents are one address.
  assert.equal(mailboxKey('jose\u0301@example.com'), mailboxKey('jos\u00e9@example.com'));
  // A domain in Unicode or in its ASCII form.
  assert.equal(mailboxKey('ada@b\u00fccher.example'), mailboxKey('ada@xn--bcher-kva.example'));
  // Gmail ignores dots, and googlemail.com is gmail.com.
  const gmail = mailboxKey('adalovelace@gmail.com');
  for (const spelling of ['ada.lovelace@gmail.com', 'A.da.Love.lace+blog@googlemail.com'])
    assert.equal(mailboxKey(spelling), gmail, spelling);
});

test('mailboxKey: other mailboxes stay apart', () => {
  // Elsewhere a dot is part of the name.
  assert.notEqual(mailboxKey('ada.lovelace@example.com'), mailboxKey('adalovelace@example.com'));
  assert.notEqual(mailboxKey('ada@example.com'), mailboxKey('ada@example.org'));
  assert.notEqual(mailboxKey('ada@example.com'), mailboxKey('grace@example.com'));
});
