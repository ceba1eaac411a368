import assert from 'node:assert/strict';
import { test } from 'node:test';
import { html, translateHtml } from '../../src/http/views.js';
import { msg } from '../../src/i18n/message.js';

test('right to left, each plain placeholder value is its own <bdi>; left to right, nothing changes', () => {
  const sent = msg('code.sent', { email: 'ada@example.com' });
  for (const locale of ['ar', 'he'] as const)
    assert.match(translateHtml(locale, sent).html, /<bdi>ada@example\.com<\/bdi>/, locale);
  assert.doesNotMatch(translateHtml('en', sent).html, /bdi/);
  assert.doesNotMatch(translateHtml('ja', sent).html, /bdi/);
  // Still escaped inside.
  const odd = msg('code.sent', { email: '<i>@example.com' });
  assert.match(translateHtml('ar', odd).html, /<bdi>&lt;i&gt;@example\.com<\/bdi>/);
  // An HTML value is the caller's to isolate (the chooser's name is), and is not wrapped twice.
  const name = html`<strong><bdi>Ada</bdi></strong>`;
  const loggedIn = translateHtml('he', msg('chooser.loggedInAs', { name })).html;
  assert.equal(loggedIn.match(/<bdi>/g)?.length, 1);
});
