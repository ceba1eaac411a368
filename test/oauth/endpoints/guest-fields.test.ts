// Names in any script: a guest's name is accepted in whatever script it is written, with the same
// length and markup rules as before.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { english } from '../../../src/i18n/translate.js';
import { GuestFieldsError, readGuestFields } from '../../../src/oauth/endpoints/guest-fields.js';

const rules = { requireName: true, requireEmail: false };

/** The name's error in English, or undefined when it is accepted. */
function nameError(name: string): string | undefined {
  try {
    readGuestFields({ name }, rules);
    return undefined;
  } catch (error) {
    assert.ok(error instanceof GuestFieldsError);
    const message = error.fields.name;
    return message === undefined ? undefined : english(message);
  }
}

test('names in Arabic, Hebrew, CJK, Korean, Cyrillic, Greek, Devanagari, Tamil and Thai are taken as written', () => {
  for (const name of [
    'ليلى أحمد',
    'עדה לאבלייס',
    '佐藤健二',
    '李小龙',
    '김민준',
    'Ада Лавлейс',
    'Олександра Шевченко',
    'Αλέξανδρος',
    'अनिल कुमार',
    'சுப்பிரமணியன்',
    'สมชาย ใจดี',
    // Letters with combining marks, as typed on many keyboards (decomposed): e + U+0301, n + U+0303.
    'Rene\u0301 Nun\u0303ez',
    // Joiners that scripts need: ZWNJ in Persian, ZWJ in Devanagari conjuncts.
    'می\u200cخواهم',
    'क्\u200dष',
  ]) {
    assert.equal(nameError(name), undefined, name);
    assert.equal(readGuestFields({ name }, rules).name, name);
  }
});

test('the length and markup rules stay: 80 UTF-16 units, no markup, no control or bidi-override characters', () => {
  assert.equal(nameError('名'.repeat(80)), undefined);
  assert.equal(nameError('名'.repeat(81)), 'The name can be at most 80 characters long.');
  for (const name of [
    '<b>Ada</b>',
    'Ada https://evil.example',
    'Ada\u0007',
    'Ada\u2028Lovelace',
    // An override would reorder what follows the name on every page that shows it.
    '\u202enimda',
    'Ada\u2066x\u2069',
  ])
    assert.equal(nameError(name), 'The name contains characters that are not allowed.', JSON.stringify(name));
});

test('a name needs a letter or digit of some script: marks, punctuation or emoji alone are not a name', () => {
  for (const name of ['\u0301\u0303', '...', '—', '🙂'])
    assert.equal(nameError(name), 'The name needs at least one letter.', JSON.stringify(name));
  assert.equal(nameError('٣'), undefined, 'an Arabic-Indic digit is a digit');
});
