import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startGateway, type TestGateway, testSite } from '../../support/gateway.js';

let gateway: TestGateway;
before(async () => {
  gateway = await startGateway({
    config: {
      sites: {
        blog: { ...testSite, name: 'Test Blog', guests: { requireEmail: false } },
        quiet: { origins: [], redirectUris: ['https://quiet.example/cb'], guests: { enabled: false } },
      },
      providers: { dev: { type: 'dev' }, second: { type: 'dev', name: 'Second login' } },
    },
  });
});
after(() => gateway.close());

test('GET /widget/config answers the site’s offer to any origin', async () => {
  const response = await fetch(`${gateway.url}/widget/config?client_id=blog`, {
    headers: { origin: 'https://anywhere.example' },
  });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('access-control-allow-origin'), '*');
  assert.match(response.headers.get('cache-control') ?? '', /public/);
  const { locale, dir, messages, ...offer } = (await response.json()) as Record<string, unknown>;
  assert.equal(locale, 'en');
  assert.equal(dir, 'ltr');
  assert.equal((messages as Record<string, string>)['widget.title'], 'Leave a Reply');
  assert.deepEqual(offer, {
    issuer: gateway.url,
    site: { id: 'blog', name: 'Test Blog', redirectUris: ['https://blog.example/callback'] },
    providers: [
      { id: 'dev', name: 'Dev login', icon: `${gateway.url}/static/icons/dev.svg` },
      { id: 'second', name: 'Second login', icon: `${gateway.url}/static/icons/dev.svg` },
    ],
    guests: { enabled: true, requireEmail: false, requireName: true, verifyEmail: 'off' },
  });
  const quiet = (await (await fetch(`${gateway.url}/widget/config?client_id=quiet`)).json()) as {
    guests: { enabled: boolean };
  };
  assert.equal(quiet.guests.enabled, false);
});

test('the widget’s words come in the reader’s locale: data-byline-lang, the page’s lang, Accept-Language', async () => {
  const config = async (query: string, acceptLanguage?: string) => {
    const response = await fetch(`${gateway.url}/widget/config?client_id=blog${query}`, {
      headers: acceptLanguage ? { 'accept-language': acceptLanguage } : {},
    });
    assert.match(response.headers.get('vary') ?? '', /Accept-Language/);
    return (await response.json()) as { locale: string; dir: string; messages: Record<string, unknown> };
  };
  const arabic = await config('&lang=ar&page_lang=ja', 'de');
  assert.equal(arabic.locale, 'ar');
  assert.equal(arabic.dir, 'rtl');
  assert.equal(arabic.messages['widget.title'], 'اترك تعليقًا');
  assert.equal((await config('&lang=sv&page_lang=ja-JP', 'de')).locale, 'ja');
  assert.equal((await config('&page_lang=en-GB', 'de')).locale, 'en');
  const german = await config('', 'fr;q=0.5, de-AT');
  assert.equal(german.locale, 'de');
  // Only the widget's own messages and the guest form's travel: not the pages', not the errors'.
  const keys = Object.keys(german.messages);
  assert.ok(keys.length > 20 && keys.every((key) => /^(widget|guest)\./.test(key)), keys.join());
  assert.equal('code.wrong' in german.messages, false);
});

test('an unknown or missing site is a JSON error', async () => {
  const unknown = await fetch(`${gateway.url}/widget/config?client_id=nope`);
  assert.equal(unknown.status, 404);
  assert.equal(unknown.headers.get('access-control-allow-origin'), '*');
  assert.equal(((await unknown.json()) as { error: string }).error, 'not_found');
  assert.equal((await fetch(`${gateway.url}/widget/config`)).status, 400);
});

test('the provider icons the config names are served, readable cross-origin', async () => {
  const icon = await fetch(`${gateway.url}/static/icons/dev.svg`);
  assert.equal(icon.status, 200);
  assert.match(icon.headers.get('content-type') ?? '', /svg/);
  assert.equal(icon.headers.get('cross-origin-resource-policy'), 'cross-origin');
});

test('GET /widget.js serves the bundled widget, cacheable and loadable from any site', async () => {
  const response = await fetch(`${gateway.url}/widget.js`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^application\/javascript/);
  assert.equal(response.headers.get('access-control-allow-origin'), '*');
  assert.equal(response.headers.get('cross-origin-resource-policy'), 'cross-origin');
  assert.match(response.headers.get('cache-control') ?? '', /public, max-age=\d+/);
  const etag = response.headers.get('etag');
  assert.ok(etag);
  const body = await response.text();
  assert.match(body, /Byline/);
  assert.doesNotMatch(body, /^import |\bexport /m);
  // (fetch adds `Cache-Control: no-cache` to conditional requests unless told otherwise, as browsers revalidating do not.)
  const again = await fetch(`${gateway.url}/widget.js`, {
    headers: { 'if-none-match': etag, 'cache-control': 'max-age=0' },
  });
  assert.equal(again.status, 304);
});
