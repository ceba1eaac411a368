import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catalogs } from '../../src/i18n/catalogs/index.js';
import { locales } from '../../src/i18n/locales.js';
import { guestCodeMail } from '../../src/mail/guest-code-mail.js';

const values = {
  to: 'ada@example.com',
  site: 'Ada’s <b>“Notes”</b> & {count}',
  code: '042917',
  link: 'https://byline.example/guest/verify?token=abc.def&x="y"',
  minutes: 10,
};

test('the words come from the catalogs: the subject names the site, the text says everything', () => {
  const mail = guestCodeMail('en', values);
  assert.equal(mail.to, 'ada@example.com');
  assert.equal(mail.subject, 'Your code for commenting on Ada’s <b>“Notes”</b> & {count}');
  assert.match(mail.text, /^Hello,$/m);
  assert.match(mail.text, /^ {4}042917$/m);
  assert.match(mail.text, /works once, for 10 minutes/);
  assert.ok(mail.text.includes(values.link));
  // Another language is another catalog, with the same values.
  const french = guestCodeMail('fr', { ...values, site: 'Blog' });
  assert.equal(french.subject, 'Votre code pour commenter sur Blog');
  assert.match(french.text, /^Bonjour,$/m);
  assert.match(french.text, /Le code ne sert qu’une fois, pendant 10 minutes\./);
  assert.match(french.html, /<html lang="fr" dir="ltr">/);
});

test('a right-to-left language writes the HTML part right to left, the code left to right', () => {
  const arabic = guestCodeMail('ar', { ...values, minutes: 2 });
  assert.match(arabic.html, /<html lang="ar" dir="rtl">/);
  assert.match(arabic.html, /<p dir="ltr"[^>]*>042917<\/p>/);
  assert.match(arabic.text, /لمدة دقيقتين/);
  // The site's Latin name is isolated in the Arabic sentences of the HTML part, not in the text part.
  const blog = guestCodeMail('ar', { ...values, site: 'Ada’s Notes' });
  assert.match(blog.html, /<bdi>Ada’s Notes<\/bdi>/);
  assert.doesNotMatch(blog.text, /bdi/);
  assert.doesNotMatch(guestCodeMail('en', { ...values, site: 'Ada’s Notes' }).html, /<bdi>/);
});

test('the HTML part escapes what it is given and loads nothing remote', () => {
  const { html } = guestCodeMail('en', values);
  assert.doesNotMatch(html, /<b>/);
  assert.match(html, /Ada’s &lt;b&gt;“Notes”&lt;\/b&gt; &amp; \{count\}/);
  assert.match(html, /href="https:\/\/byline\.example\/guest\/verify\?token=abc\.def&amp;x=&quot;y&quot;"/);
  assert.match(html, />042917</);
  assert.doesNotMatch(html, /<img|<link|src=|url\(|@import/i);
});

test('the greeting names nobody, in every language (a name would be text the requester typed)', () => {
  for (const locale of locales) {
    const greeting = catalogs[locale]['mail.greeting'];
    assert.doesNotMatch(greeting, /\{/, locale);
    assert.equal(guestCodeMail(locale, values).text.split('\n')[0], greeting, locale);
  }
});
