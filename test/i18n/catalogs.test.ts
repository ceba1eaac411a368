import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { packageRoot } from '../../src/config/load.js';
import type { Entry } from '../../src/i18n/catalog.js';
import { catalogs } from '../../src/i18n/catalogs/index.js';
import { locales } from '../../src/i18n/locales.js';
import { msg } from '../../src/i18n/message.js';
import { translate } from '../../src/i18n/translate.js';

const english = catalogs.en as Record<string, Entry>;
const forms = (entry: Entry): [string, string][] =>
  typeof entry === 'string' ? [['', entry]] : (Object.entries(entry) as [string, string][]);
const placeholders = (text: string) => new Set([...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]));
const allPlaceholders = (entry: Entry) =>
  new Set(forms(entry).flatMap(([, text]) => [...placeholders(text)]));
const others = locales.filter((locale) => locale !== 'en');

test('every catalog has exactly the English keys', () => {
  const keys = Object.keys(english).sort();
  assert.ok(keys.length > 100);
  for (const locale of others)
    assert.deepEqual(Object.keys(catalogs[locale]).sort(), keys, `${locale} has other keys than en`);
});

test('every message has the placeholders of its English one, and plurals where English has them', () => {
  for (const locale of others) {
    const catalog = catalogs[locale] as Record<string, Entry>;
    for (const [key, source] of Object.entries(english)) {
      const entry = catalog[key] as Entry;
      const where = `${locale} ${key}`;
      assert.equal(typeof entry, typeof source, `${where}: a plural exactly where English has one`);
      const expected = allPlaceholders(source);
      if (typeof entry === 'string') {
        assert.deepEqual(placeholders(entry), expected, `${where}: placeholders`);
        continue;
      }
      // A form may spell its number out (Arabic's "one try"), but `other` names every value.
      assert.deepEqual(placeholders(entry.other), expected, `${where}: placeholders of "other"`);
      for (const [form, text] of forms(entry))
        for (const name of placeholders(text))
          assert.ok(expected.has(name), `${where} (${form}): {${name}} is not in English`);
    }
  }
});

test('a plural has a form for every category its language uses for counts up to 200', () => {
  for (const locale of locales) {
    const rules = new Intl.PluralRules(locale);
    for (const [key, entry] of Object.entries(catalogs[locale] as Record<string, Entry>)) {
      if (typeof entry === 'string') continue;
      for (const form of Object.keys(entry))
        assert.ok(
          rules.resolvedOptions().pluralCategories.includes(form as Intl.LDMLPluralRule),
          `${locale} ${key}: ${form} is not a plural category of ${locale}`,
        );
      for (let n = 0; n <= 200; n++) {
        const category = rules.select(n);
        assert.ok(category in entry, `${locale} ${key}: no "${category}" form (for ${n})`);
      }
    }
  }
});

test('messages are written out: no empty text, stray braces or untrimmed spaces', () => {
  for (const locale of locales)
    for (const [key, entry] of Object.entries(catalogs[locale] as Record<string, Entry>))
      for (const [form, text] of forms(entry)) {
        const where = `${locale} ${key} ${form}`;
        assert.ok(text.length > 0 && text === text.trim(), `${where}: empty or untrimmed`);
        assert.doesNotMatch(
          text.replace(/\{\w+\}/g, ''),
          /[{}]/,
          `${where}: a brace that is not a placeholder`,
        );
      }
});

test('every catalog is a translation, not a copy of English', () => {
  const keys = Object.keys(english);
  for (const locale of others) {
    const catalog = catalogs[locale] as Record<string, Entry>;
    const same = keys.filter((key) => JSON.stringify(catalog[key]) === JSON.stringify(english[key]));
    // What may stay: punctuation around placeholders, brand-like words ("Website", "Status: {status}").
    assert.ok(same.length <= 6, `${locale} leaves ${same.length} messages in English: ${same.join(', ')}`);
  }
});

test('plurals follow each language: Polish, Russian, Arabic and Japanese forms', () => {
  const tries = (locale: (typeof locales)[number], count: number) =>
    translate(locale, msg('code.wrong', { count }));
  assert.equal(tries('en', 1), 'That code is not right. 1 try left.');
  assert.equal(tries('en', 4), 'That code is not right. 4 tries left.');
  assert.match(tries('pl', 2), /Zostały 2 próby/);
  assert.match(tries('pl', 5), /Zostało 5 prób/);
  assert.match(tries('ru', 1), /Осталась 1 попытка/);
  assert.match(tries('ru', 3), /Осталось 3 попытки/);
  assert.match(tries('ar', 2), /محاولتان/);
  assert.match(tries('ja', 3), /あと 3 回/);
  // Placeholder values are never translated, and a message's words are not read as placeholders.
  assert.equal(
    translate('fr', msg('chooser.title', { site: '{provider} & Co' })),
    'Connectez-vous pour commenter sur {provider} & Co',
  );
});

test('dates are written in the reader’s language, in UTC', () => {
  const date = new Date(Date.UTC(2026, 11, 6, 3, 32));
  const de = translate('de', msg('deletion.what', { date, provider: 'Facebook' }));
  assert.match(de, /^Am 6\. Dezember 2026 um 03:32:00 UTC hat Facebook/);
  assert.match(translate('ja', msg('deletion.what', { date, provider: 'Facebook' })), /2026年12月6日/);
});

test('every message the widget says is in the catalogs and travels to it (widget.* and guest.*)', () => {
  // The widget ships alone, without the catalogs' types: its keys are checked here.
  const dir = join(packageRoot, 'src', 'widget');
  const used = readdirSync(dir).flatMap((file) =>
    [...readFileSync(join(dir, file), 'utf8').matchAll(/'((?:widget|guest|code|error|chooser)\.\w+)'/g)].map(
      (match) => `${file}: ${match[1]}`,
    ),
  );
  assert.ok(used.length > 30);
  for (const use of used) {
    const key = use.split(': ')[1] as string;
    assert.ok(key in english, `${use} is not in the catalogs`);
    assert.match(key, /^(widget|guest)\./, `${use} is not sent to the widget`);
  }
});
