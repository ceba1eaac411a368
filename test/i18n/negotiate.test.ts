import assert from 'node:assert/strict';
import { test } from 'node:test';
import { direction, locales } from '../../src/i18n/locales.js';
import { acceptedLanguages, matchLocale, negotiateLocale } from '../../src/i18n/negotiate.js';

test('a tag matches its locale, else by best fit on its language', () => {
  for (const locale of locales) assert.equal(matchLocale(locale), locale);
  assert.equal(matchLocale('PT-br'), 'pt-BR');
  assert.equal(matchLocale('pt'), 'pt-BR');
  assert.equal(matchLocale('pt-PT'), 'pt-BR');
  assert.equal(matchLocale('zh'), 'zh-CN');
  assert.equal(matchLocale('zh-Hans'), 'zh-CN');
  assert.equal(matchLocale('zh-Hans-CN'), 'zh-CN');
  assert.equal(matchLocale('zh_CN'), 'zh-CN');
  assert.equal(matchLocale('en-GB'), 'en');
  assert.equal(matchLocale('de-AT'), 'de');
  assert.equal(matchLocale('ar-EG'), 'ar');
  assert.equal(matchLocale('iw'), 'he');
  for (const unknown of [
    'sv',
    'x-klingon',
    '*',
    '',
    'e',
    'english',
    'fr-',
    '<script>',
    'de-DE-1996-verylongsubtag',
  ])
    assert.equal(matchLocale(unknown), undefined, unknown);
});

test('Accept-Language: by q-value, the header order among equals, q=0 and malformed entries left out', () => {
  assert.deepEqual(acceptedLanguages('fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5'), [
    'fr-CH',
    'fr',
    'en',
    'de',
    '*',
  ]);
  assert.deepEqual(acceptedLanguages('de;q=0.5, ja, ko;q=1.0, es;q=0'), ['ja', 'ko', 'de']);
  assert.deepEqual(acceptedLanguages('nl;q=2, pl;q=abc, it;q=0.333, ru'), ['ru', 'it']);
  assert.deepEqual(acceptedLanguages(undefined), []);
  assert.deepEqual(acceptedLanguages(''), []);
});

test('the sources in order: data-byline-lang, the page, ui_locales, Accept-Language, else English', () => {
  const all = { attribute: 'ja', page: 'ar', uiLocales: 'fr de', acceptLanguage: 'ko' };
  assert.equal(negotiateLocale(all), 'ja');
  assert.equal(negotiateLocale({ ...all, attribute: undefined }), 'ar');
  assert.equal(negotiateLocale({ ...all, attribute: undefined, page: undefined }), 'fr');
  assert.equal(negotiateLocale({ acceptLanguage: 'ko' }), 'ko');
  assert.equal(negotiateLocale({}), 'en');
});

test('a source naming only languages Byline does not speak is passed over', () => {
  assert.equal(negotiateLocale({ attribute: 'sv', page: 'he-IL' }), 'he');
  assert.equal(negotiateLocale({ page: 'x-test', uiLocales: 'fi sv tr', acceptLanguage: 'de' }), 'tr');
  assert.equal(negotiateLocale({ uiLocales: 'fi', acceptLanguage: 'sv, da;q=0.9, nl;q=0.8' }), 'nl');
  assert.equal(negotiateLocale({ acceptLanguage: 'sv, *;q=0.1' }), 'en');
});

test('Accept-Language preferences win by q-value, not order', () => {
  assert.equal(negotiateLocale({ acceptLanguage: 'de;q=0.4, pl;q=0.9' }), 'pl');
  assert.equal(negotiateLocale({ acceptLanguage: 'sv;q=1, zh-TW;q=0.8, en;q=0.7' }), 'zh-CN');
});

test('Arabic and Hebrew are written right to left', () => {
  assert.deepEqual(
    locales.filter((locale) => direction(locale) === 'rtl'),
    ['ar', 'he'],
  );
});
