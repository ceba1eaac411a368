// Every word of Byline's pages comes from the catalogs: the views hold none, and every page a reader
// can reach, rendered in Japanese, has no English word left (only brands, protocol terms and the
// reader's own data in Latin script).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { packageRoot } from '../../src/config/load.js';
import { catalogs } from '../../src/i18n/catalogs/index.js';
import { Browser, findLink, formAction } from '../support/browser.js';
import { authorizeUrl, devLogin } from '../support/flow.js';
import { startGateway, type TestGateway, testSite } from '../support/gateway.js';
import { htmlPage, type SiteDouble, startSite } from '../support/indieauth-double.js';
import { leftoverEnglish, visibleText } from '../support/leftover-english.js';
import { linkIn, startMailServer, type TestMailServer } from '../support/mail-server.js';
import { pkce } from '../support/pkce.js';

const viewsDir = join(packageRoot, 'views');

/** The letters of a view that are not in a `{{placeholder}}`: its own words. Byline is a name. */
const wordsOf = (view: string) =>
  visibleText(view.replace(/\{\{[\w.:]+\}\}/g, ' '))
    .flatMap((text) => text.match(/\p{L}+/gu) ?? [])
    .filter((word) => word !== 'Byline');

describe('views/*.html', () => {
  test('finding words works: a literal in text or in a read-out attribute is found', () => {
    assert.deepEqual(wordsOf('<p>{{t:chooser.lead}} Hello</p>'), ['Hello']);
    assert.deepEqual(wordsOf('<input placeholder="Your name" value="{{name}}">'), ['Your', 'name']);
    assert.deepEqual(wordsOf('<button aria-label="{{t:logout.button}}">{{x}}</button>'), []);
  });

  test('hold no words of their own, and every {{t:key}} is a catalog message', () => {
    const views = readdirSync(viewsDir).filter((file) => file.endsWith('.html'));
    assert.ok(views.length >= 10);
    for (const file of views) {
      const view = readFileSync(join(viewsDir, file), 'utf8');
      assert.deepEqual(wordsOf(view), [], `${file} has words outside the catalogs`);
      for (const match of view.matchAll(/\{\{t:([\w.]+)\}\}/g))
        assert.ok((match[1] as string) in catalogs.en, `${file}: no message ${match[1]}`);
    }
  });

  test('the layout says the page’s language and direction', () => {
    const layout = readFileSync(join(viewsDir, 'layout.html'), 'utf8');
    assert.match(layout, /<html lang="\{\{lang\}\}" dir="\{\{dir\}\}">/);
    // Right to left needs logical properties: no left or right in the pages' styles.
    for (const file of readdirSync(viewsDir))
      assert.doesNotMatch(readFileSync(join(viewsDir, file), 'utf8'), /\b(left|right)\b/, file);
  });
});

describe('every page in Japanese', () => {
  let gateway: TestGateway;
  let mail: TestMailServer;
  const ja = { 'accept-language': 'ja' };
  const sameOrigin = { 'sec-fetch-site': 'same-origin' };
  // Latin words a reader may see that are not Byline's to translate: names of sites, providers, people.
  const data = ['Test Blog', 'Mirror Shop', 'Dev login', 'Ada Lovelace', 'Kenji Sato', 'kenji@example.com'];

  before(async () => {
    mail = await startMailServer();
    gateway = await startGateway({
      config: {
        sites: {
          blog: { ...testSite, guests: { verifyEmail: 'optional' } },
          shop: {
            name: 'Mirror Shop',
            origins: ['https://shop.example'],
            redirectUris: ['https://shop.example/callback'],
          },
        },
        smtp: { url: mail.url, from: 'Byline <byline@byline.example>' },
      },
    });
  });
  after(async () => {
    await gateway.close();
    await mail.close();
  });

  /** Asserts the page is Japanese through and through, and returns it. */
  function japanese(body: string, what: string): string {
    assert.match(body, /<html lang="ja" dir="ltr">/, what);
    assert.deepEqual(leftoverEnglish(visibleText(body), 'ja', data), [], `English left on ${what}`);
    return body;
  }

  const withLocale = (url: URL, locale = 'ja') => {
    url.searchParams.set('ui_locales', locale);
    return url;
  };

  test('the home page, an error page and a missing page, by Accept-Language', async () => {
    for (const [path, status] of [
      ['/', 200],
      ['/authorize?client_id=nope', 400],
      ['/nothing-here', 404],
    ] as const) {
      const response = await fetch(`${gateway.url}${path}`, { headers: ja });
      assert.equal(response.status, status);
      japanese(await response.text(), path);
    }
  });

  test('the chooser, its guest form with field errors and with a mailed code, and the mail’s page', async () => {
    const browser = new Browser();
    const page = await browser.request(withLocale(authorizeUrl(gateway, pkce().challenge)));
    japanese(page.body, 'the chooser');
    // The check finds English: the same chooser in English is caught by it.
    const english = await new Browser().request(authorizeUrl(gateway, pkce().challenge));
    assert.ok(leftoverEnglish(visibleText(english.body), 'ja', data).includes('guest'));
    assert.match(page.body, /Dev login でログイン/);
    const ar = /name="ar" value="([\w-]+)"/.exec(page.body)?.[1] as string;
    const csrf = /name="csrf" value="([\w-]+)"/.exec(page.body)?.[1] as string;
    const post = (fields: Record<string, string>) =>
      browser.request(`${gateway.url}/auth/guest`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...sameOrigin },
        body: new URLSearchParams({ ar, csrf, ...fields }).toString(),
      });
    const wrong = await post({ email: 'kenji', name: '' });
    assert.equal(wrong.response.status, 400);
    assert.match(japanese(wrong.body, 'field errors'), /名前を入力してください。/);
    const sent = await post({ email: 'kenji@example.com', name: 'Kenji Sato', send_code: '1' });
    assert.match(japanese(sent.body, 'the code form'), /kenji@example\.com に 6 桁のコードを送信しました/);
    const received = await mail.next();
    assert.equal(received.subject, 'Test Blog にコメントするためのコード');
    const link = await fetch(linkIn(received));
    japanese(await link.text(), 'the mail’s link');
  });

  test('the logged-in chooser, the hand-back page, consent, logout and the logged-out page', async () => {
    const { browser } = await devLogin(gateway);
    const chooser = await browser.request(
      withLocale(authorizeUrl(gateway, pkce().challenge, { prompt: 'select_account' })),
    );
    assert.match(japanese(chooser.body, 'the logged-in chooser'), /<bdi>Ada Lovelace<\/bdi>/);
    const handBack = await browser.request(
      withLocale(
        authorizeUrl(gateway, pkce().challenge, {
          responseMode: 'web_message',
          redirectUri: 'https://blog.example',
        }),
      ),
    );
    japanese(handBack.body, 'the web_message page');
    const consent = await browser.request(
      withLocale(
        authorizeUrl(gateway, pkce().challenge, {
          site: 'shop',
          redirectUri: 'https://shop.example/callback',
        }),
      ),
    );
    assert.match(japanese(consent.body, 'consent'), /Mirror Shop に進みますか/);
    const logout = await browser.request(withLocale(new URL('/logout', gateway.url)));
    japanese(logout.body, 'the logout question');
    const fields = Object.fromEntries(
      [...logout.body.matchAll(/<input type="hidden" name="([\w]+)" value="([^"]*)">/g)].map((match) => [
        match[1],
        match[2],
      ]),
    );
    const done = await browser.request(`${gateway.url}/logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...sameOrigin },
      body: new URLSearchParams(fields as Record<string, string>).toString(),
    });
    assert.equal(done.response.status, 200);
    japanese(done.body, 'the logged-out page');
  });

  test('the dev provider’s login page, by Accept-Language', async () => {
    const browser = new Browser();
    const chooser = await browser.request(authorizeUrl(gateway, pkce().challenge), { headers: ja });
    let hop = await browser.request(new URL(findLink(chooser.body, '/auth/dev') as string, gateway.url), {
      headers: ja,
    });
    for (let i = 0; i < 5 && hop.response.headers.get('location'); i++)
      hop = await browser.request(new URL(hop.response.headers.get('location') as string, hop.url), {
        headers: ja,
      });
    assert.ok(formAction(hop.body));
    japanese(hop.body, 'the dev login page');
  });

  test('Arabic pages are written right to left', async () => {
    const page = await new Browser().request(withLocale(authorizeUrl(gateway, pkce().challenge), 'ar'));
    assert.match(page.body, /<html lang="ar" dir="rtl">/);
    assert.deepEqual(leftoverEnglish(visibleText(page.body), 'ar', data), []);
    // The blog's Latin name is isolated in the Arabic heading; <title> holds text only.
    assert.match(page.body, /<h1>[^<]*<bdi>Test Blog<\/bdi>[^<]*<\/h1>/);
    assert.match(page.body, /<title>[^<]*Test Blog[^<]*<\/title>/);
  });
});

describe('an IndieAuth website that begins no login, in Japanese', () => {
  let gateway: TestGateway;
  let site: SiteDouble;
  // Latin words that are not Byline's: the blog's name, and a path the reader typed (a site's page).
  const data = ['Test Blog', 'missing'];

  before(async () => {
    site = await startSite();
    // The site double is on loopback: only allowPrivateUpstreams lets Byline fetch it. The button's name is
    // the admin's, not Byline's to translate: a brand name keeps the page free of English.
    gateway = await startGateway({
      config: { http: { allowPrivateUpstreams: true }, providers: { indieauth: { name: 'IndieAuth' } } },
    });
  });
  after(async () => {
    await gateway.close();
    await site.close();
  });

  /** The chooser again, at the website input, after `website` was typed (idp and login_hint on /authorize). */
  async function refused(website: string, locale?: string) {
    const url = authorizeUrl(gateway, pkce().challenge, { idp: 'indieauth' });
    url.searchParams.set('login_hint', website);
    if (locale) url.searchParams.set('ui_locales', locale);
    const hop = await new Browser().follow(url);
    assert.equal(hop.response.status, 400, website);
    return hop.body;
  }

  /** The reason at the input, asserted Japanese through and through. */
  async function japaneseReason(website: string): Promise<string> {
    const body = await refused(website, 'ja');
    assert.match(body, /<html lang="ja" dir="ltr">/);
    assert.deepEqual(leftoverEnglish(visibleText(body), 'ja', data), [], `English left for ${website}`);
    // Views escape the message, so the reason holds no tag.
    const reason = /<p class="field-error" id="handle-indieauth-error">([^<]*)<\/p>/.exec(body);
    assert.ok(reason, `a reason at the input for ${website}`);
    return reason[1] as string;
  }

  test('what the reader typed, what the site answered and what its server declares: each reason in Japanese', async () => {
    site.pages.set('/', htmlPage([['me', 'https://social.example/@alice']]));
    assert.match(
      await japaneseReason(site.url),
      /は IndieAuth サーバーを指定していないため、ログインに使えません。/,
    );
    // The check finds English: the same refusal in English is caught by it.
    assert.ok(leftoverEnglish(visibleText(await refused(site.url)), 'ja', data).includes('names'));

    assert.match(await japaneseReason(`${site.url}/missing`), /がエラーを返しました（HTTP 404）。/);
    assert.match(
      await japaneseReason('alice .example'),
      /「alice \.example」はウェブサイトのアドレスではありません。/,
    );
    site.pages.set('/', htmlPage([['indieauth-metadata', `${site.url}/metadata`]]));
    site.pages.set('/metadata', { headers: { 'content-type': 'application/json' }, body: 'not json' });
    assert.match(
      await japaneseReason(site.url),
      /が指定する IndieAuth サーバーは使用できません。メタデータが JSON オブジェクトではありません。/,
    );
  });
});
