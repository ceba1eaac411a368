// The widget and the chooser in the reader's language, in Chromium: Arabic (right to left, chosen by the
// blog page's <html lang>) and Japanese (chosen by data-byline-lang over an English page and an English
// browser). The demo blog's page is served with its lang or form attribute changed; its own words are
// the blog's, and only Byline's part is checked. Screenshots go to test/artifacts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { leftoverEnglish } from '../support/leftover-english.js';
import { artifactPath, requireChromium, type Scene, startScene } from './scene.js';

let scene: Scene;
// Latin words that are not Byline's to translate: the site's and the providers' names, the readers'.
const data = ['Demo Blog', 'WordPress.com', 'Dev login', 'Kenji Sato'];

/**
 * The demo post in a browser whose language is `locale`, its page's `<html lang>` set to `pageLang` and
 * its form given `data-byline-lang` when `attribute` is set: changed as the page is parsed, before the
 * widget (a deferred script) starts.
 */
async function open(
  locale: string,
  change: { pageLang?: string; attribute?: string },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await scene.newContext({ locale });
  await context.addInitScript(({ pageLang, attribute }) => {
    const observer = new MutationObserver(() => {
      if (pageLang && document.documentElement) document.documentElement.lang = pageLang;
      const form = document.querySelector('form[data-byline-site]');
      if (!form) return;
      if (attribute) form.setAttribute('data-byline-lang', attribute);
      observer.disconnect();
    });
    observer.observe(document, { childList: true, subtree: true });
  }, change);
  return { context, page: await scene.openBlog(context) };
}

/** Every word a reader sees or hears in `element`: its text (hidden parts too) and read-out attributes. */
function readerWords(element: Locator): Promise<string[]> {
  return element.evaluate((root) => {
    const words: string[] = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode())
      if (!node.parentElement?.closest('style, script')) words.push(node.textContent ?? '');
    for (const element of Array.from(root.querySelectorAll('*')))
      for (const name of ['title', 'alt', 'aria-label', 'placeholder'])
        if (element.getAttribute(name)) words.push(element.getAttribute(name) as string);
    return words;
  });
}

const widgetWords = (page: Page) => readerWords(page.locator('.byline'));

/** Where an element is, and where the text inside it starts and ends. */
function box(element: Locator) {
  return element.evaluate((node) => {
    const range = document.createRange();
    range.selectNodeContents(node);
    const text = range.getBoundingClientRect();
    const rect = node.getBoundingClientRect();
    return { left: rect.left, right: rect.right, textLeft: text.left, textRight: text.right };
  });
}

const direction = (element: Locator) => element.evaluate((node) => getComputedStyle(node).direction);

// Without Chromium this file fails at once with the line that installs it: never a skip.
requireChromium();

describe('the widget and the chooser in the reader’s language', () => {
  before(async () => {
    scene = await startScene();
  });
  after(() => scene?.close());

  test('Arabic from the page’s <html lang>: right to left, mirrored, the chooser popup too', async () => {
    const { context, page } = await open('ar', { pageLang: 'ar' });
    assert.equal(await page.locator('html').getAttribute('lang'), 'ar');
    const root = page.locator('.byline');
    assert.equal(await root.getAttribute('lang'), 'ar');
    assert.equal(await root.getAttribute('dir'), 'rtl');
    assert.equal(await direction(root), 'rtl');
    assert.equal(await page.locator('.byline-title').textContent(), 'اترك تعليقًا');
    // Mirrored: the title's text ends at the right edge, the first provider is the rightmost.
    const title = await box(page.locator('.byline-title'));
    assert.ok(title.right - title.textRight < 2, `the title starts at the right: ${JSON.stringify(title)}`);
    const [first, second] = await Promise.all([
      box(page.locator('.byline-provider').nth(0)),
      box(page.locator('.byline-provider').nth(1)),
    ]);
    assert.ok(first.left > second.left, 'the first provider button is the rightmost');
    assert.deepEqual(leftoverEnglish(await widgetWords(page), 'ar', data), []);
    await root.screenshot({ path: artifactPath('languages-ar-widget.png') });

    // A reader whose name is written in Arabic logs in with the dev provider (its page in Arabic too).
    const [login] = await Promise.all([
      context.waitForEvent('page'),
      page.locator('.byline-provider-dev').click(),
    ]);
    await login.locator('input[name="name"]').fill('ليلى أحمد');
    assert.equal(await login.locator('html').getAttribute('dir'), 'rtl');
    await Promise.all([login.waitForEvent('close'), login.locator('button[type="submit"]').click()]);
    await page.locator('.byline-name').filter({ hasText: 'ليلى أحمد' }).waitFor();
    const avatar = await box(page.locator('.byline-in .byline-avatar'));
    const who = await box(page.locator('.byline-who'));
    assert.ok(avatar.left > who.left, 'the avatar is on the right of the name');
    assert.match(
      (await page.locator('.byline-who p').textContent()) ?? '',
      /أنت تعلّق باستخدام حسابك على Dev login/,
    );
    assert.deepEqual(leftoverEnglish(await widgetWords(page), 'ar', data), []);
    await root.screenshot({ path: artifactPath('languages-ar-logged-in.png') });

    // "Change" opens the chooser in the widget's language (ui_locales), laid out right to left.
    const [chooser] = await Promise.all([
      context.waitForEvent('page'),
      page.locator('.byline-change').click(),
    ]);
    await chooser.locator('#providers').waitFor();
    assert.equal(await chooser.locator('html').getAttribute('lang'), 'ar');
    assert.equal(await direction(chooser.locator('main')), 'rtl');
    const link = chooser.locator('a.provider').first();
    const icon = await box(link.locator('img'));
    const name = await box(link);
    assert.ok(icon.right > name.textLeft && icon.left > name.left + 40, 'the icon is on the link’s right');
    assert.match((await chooser.locator('h1').textContent()) ?? '', /سجّل الدخول للتعليق على Demo Blog/);
    await chooser.screenshot({ path: artifactPath('languages-ar-chooser.png'), fullPage: true });
    await chooser.close();
  });

  test('Japanese from data-byline-lang over an English page and browser: no English word left', async () => {
    const { context, page } = await open('en-US', { attribute: 'ja' });
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    const root = page.locator('.byline');
    assert.equal(await root.getAttribute('lang'), 'ja');
    assert.equal(await direction(root), 'ltr');
    assert.deepEqual(leftoverEnglish(await widgetWords(page), 'ja', data), []);

    // The guest fields' errors come from Byline in Japanese (the widget sends its locale).
    await page.locator('#comment').fill('日本語のコメントです。');
    await page.getByRole('button', { name: 'Post Comment' }).click();
    await page.locator('.byline-field-error').first().waitFor();
    assert.deepEqual(await page.locator('.byline-field-error').allTextContents(), [
      'メールアドレスを入力してください。公開されることはありません。',
      '名前を入力してください。',
    ]);
    assert.deepEqual(leftoverEnglish(await widgetWords(page), 'ja', data), []);
    await root.screenshot({ path: artifactPath('languages-ja-errors.png') });

    await page.locator('.byline-field-email input').fill('kenji@example.com');
    await page.locator('.byline-field-name input').fill('Kenji Sato');
    await page.getByRole('button', { name: 'Post Comment' }).click();
    await page.locator('.comment').filter({ hasText: '日本語のコメントです。' }).waitFor();
    await page.locator('.byline-in').waitFor();
    assert.equal(
      await page.locator('.byline-who p').textContent(),
      'ゲストとしてコメントしています。 （ログアウト／変更）',
    );
    assert.deepEqual(leftoverEnglish(await widgetWords(page), 'ja', data), []);
    await root.screenshot({ path: artifactPath('languages-ja-logged-in.png') });

    const [chooser] = await Promise.all([
      context.waitForEvent('page'),
      page.locator('.byline-change').click(),
    ]);
    await chooser.locator('#providers').waitFor();
    assert.equal(await chooser.locator('html').getAttribute('lang'), 'ja');
    const words = await readerWords(chooser.locator('main'));
    assert.deepEqual(leftoverEnglish(words, 'ja', data), []);
    await chooser.screenshot({ path: artifactPath('languages-ja-chooser.png'), fullPage: true });
    await chooser.close();
  });
});
