// What a reader noticed, tried in Chromium as a new reader would (issue 17, item 3): the avatar when
// Gravatar is unreachable, guest field errors, the demo's dates and provider names, the reader's name, and
// a narrow screen. The login window's words and the chooser's "Change" are in login-window.test.ts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import {
  artifactPath,
  devForm,
  openPopup,
  popupLogin,
  requireChromium,
  type Scene,
  startScene,
} from './scene.js';

let scene: Scene;

async function open(options: { width?: number; gravatar?: 'up' } = {}) {
  const context = await scene.newContext({ viewport: { width: options.width ?? 820, height: 1000 } });
  // Gravatar answers with a red square (the scene's contexts never reach the real one).
  if (options.gravatar === 'up')
    await context.route('https://gravatar.com/**', (route) =>
      route.fulfill({
        contentType: 'image/svg+xml',
        body: '<svg xmlns="http://www.w3.org/2000/svg" width="80" height="80"><rect width="80" height="80" fill="#e01010"/></svg>',
      }),
    );
  return { context, page: await scene.openBlog(context) };
}

const comment = (page: Page) => page.locator('#comment');
const fieldInput = (page: Page, name: string) => page.locator(`.byline-field-${name} input`);

/** Posts a guest comment through the widget and waits for it in the list (the page reloads). */
async function guestComment(page: Page, text: string, name: string): Promise<Locator> {
  await comment(page).fill(text);
  await fieldInput(page, 'email').fill(`${name.split(' ')[0]?.toLowerCase()}@example.com`);
  await fieldInput(page, 'name').fill(name);
  await page.getByRole('button', { name: 'Post Comment' }).click();
  const posted = page.locator('.comment').filter({ hasText: text });
  await posted.waitFor();
  return posted;
}

/** The RGB pixels of what the reader sees of an element (a screenshot, decoded by the browser). */
async function pixels(context: BrowserContext, element: Locator, path: string): Promise<number[][]> {
  const png = await element.screenshot({ path });
  const blank = await context.newPage();
  try {
    const data = await blank.evaluate(async (base64) => {
      const blob = await (await fetch(`data:image/png;base64,${base64}`)).blob();
      const bitmap = await createImageBitmap(blob);
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const drawing = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
      drawing.drawImage(bitmap, 0, 0);
      return Array.from(drawing.getImageData(0, 0, bitmap.width, bitmap.height).data);
    }, png.toString('base64'));
    const rgb: number[][] = [];
    for (let i = 0; i < data.length; i += 4) rgb.push(data.slice(i, i + 3));
    return rgb;
  } finally {
    await blank.close();
  }
}

/**
 * Whether the pixels are a letter avatar: only the accent blue (#2271b1), white (the letter, the page
 * around the circle) and their blends. The broken-image glyph brings greys and greens of its own.
 */
function isLetterAvatar(rgb: number[][]): boolean {
  const [r0, g0, b0] = [0x22, 0x71, 0xb1];
  const offLine = rgb.filter(([r = 0, g = 0, b = 0]) => {
    const t = (r - r0) / (255 - r0);
    return Math.abs(g - (g0 + t * (255 - g0))) > 24 || Math.abs(b - (b0 + t * (255 - b0))) > 24;
  });
  const blue = rgb.filter(
    ([r = 0, g = 0, b = 0]) => Math.abs(r - r0) + Math.abs(g - g0) + Math.abs(b - b0) < 30,
  );
  const white = rgb.filter(([r = 0, g = 0, b = 0]) => r > 235 && g > 235 && b > 235);
  return offLine.length === 0 && blue.length > rgb.length / 3 && white.length > 0;
}

/** The centre pixel's colour. */
function centre(rgb: number[][]): number[] {
  const side = Math.round(Math.sqrt(rgb.length));
  return rgb[Math.floor(side / 2) * side + Math.floor(side / 2)] ?? [];
}

// Without Chromium this file fails at once with the line that installs it: never a skip.
requireChromium();

describe('what a reader noticed, in a real browser', () => {
  before(async () => {
    scene = await startScene();
  });
  after(() => scene?.close());

  test('Gravatar unreachable: the letter avatar in the widget and in the demo’s list, never a broken image', async () => {
    const { context, page } = await open();
    const posted = await guestComment(page, 'Gravatar is down today.', 'Grace Hopper');
    const widgetAvatar = page.locator('.byline-in .byline-avatar');
    await page.locator('.byline-in span.byline-avatar').waitFor();
    assert.equal(await widgetAvatar.count(), 1);
    assert.equal(await widgetAvatar.textContent(), 'G');
    assert.ok(isLetterAvatar(await pixels(context, widgetAvatar, artifactPath('avatar-widget-down.png'))));
    const listAvatar = posted.locator('.avatar');
    assert.ok(isLetterAvatar(await pixels(context, listAvatar, artifactPath('avatar-list-down.png'))));
    await page.locator('#comments').screenshot({ path: artifactPath('comments-gravatar-down.png') });

    // Gravatar reachable: the picture itself, in both places.
    const up = await open({ gravatar: 'up' });
    const shown = await guestComment(up.page, 'Gravatar is up.', 'Ada Lovelace');
    await up.page.locator('.byline-in img.byline-avatar').waitFor();
    const red = (rgb: number[][]) => {
      const [r = 0, g = 0, b = 0] = centre(rgb);
      return r > 200 && g < 60 && b < 60;
    };
    const upWidget = up.page.locator('.byline-in .byline-avatar');
    assert.ok(red(await pixels(up.context, upWidget, artifactPath('avatar-widget-up.png'))));
    assert.ok(red(await pixels(up.context, shown.locator('.avatar'), artifactPath('avatar-list-up.png'))));
  });

  test('every guest field error is shown at once, next to its field; the first takes the focus', async () => {
    const { page } = await open();
    await comment(page).fill('All my mistakes at once.');
    await fieldInput(page, 'website').fill('ftp://example');
    await page.getByRole('button', { name: 'Post Comment' }).click();
    await page.locator('.byline-field-website .byline-field-error').waitFor();
    const messages = await page.locator('.byline-field-error').allTextContents();
    assert.deepEqual(messages, [
      'Enter your email address. It is never made public.',
      'Enter your name.',
      'Enter the address of your website, like https://example.com.',
    ]);
    for (const name of ['email', 'name', 'website'])
      assert.equal(await fieldInput(page, name).getAttribute('aria-invalid'), 'true', name);
    assert.equal(await fieldInput(page, 'email').evaluate((input) => input === document.activeElement), true);
    await page.locator('#respond').screenshot({ path: artifactPath('guest-errors.png') });
    assert.equal(await comment(page).inputValue(), 'All my mistakes at once.');
  });

  test('the demo says when in words, with the full date in a <time>, and names the provider by its brand', async () => {
    const { context, page } = await open();
    await comment(page).fill('When and how was this written?');
    await popupLogin(context, page, 'Ada Lovelace');
    await page.getByRole('button', { name: 'Post Comment' }).click();
    const posted = page.locator('.comment').filter({ hasText: 'When and how was this written?' });
    await posted.waitFor();
    const time = posted.locator('time');
    assert.match((await time.textContent()) ?? '', /^(now|\d+ seconds? ago)$/);
    const datetime = (await time.getAttribute('datetime')) ?? '';
    assert.ok(Math.abs(Date.parse(datetime) - Date.now()) < 60_000, datetime);
    assert.match(
      (await time.getAttribute('title')) ?? '',
      /^\w+ \d{1,2}, \d{4} at \d{1,2}:\d\d:\d\d [AP]M UTC$/,
    );
    assert.equal(await posted.locator('.comment-via').textContent(), 'via Dev login');
    await page.getByRole('button', { name: 'Log Out' }).click();
    const guest = await guestComment(page, 'And a guest’s.', 'Grace Hopper');
    assert.equal(await guest.locator('.comment-via').textContent(), '(guest)');
    await page.locator('#comments').screenshot({ path: artifactPath('comment-list.png') });
  });

  test('the logged-in line shows the reader’s name, visibly', async () => {
    const { context, page } = await open();
    await popupLogin(context, page, 'Ada Lovelace');
    const name = page.locator('.byline-in').getByText('Ada Lovelace');
    await name.waitFor();
    const box = await name.boundingBox();
    assert.ok(box && box.width > 40 && box.height > 10, `the name is ${JSON.stringify(box)}`);
    await page.locator('#respond').screenshot({ path: artifactPath('logged-in-name.png') });
  });

  test('at 390 px (and around it) “( Log Out / Change )” stays together: “)” never wraps alone', async () => {
    for (const provider of ['Dev login', 'WordPress.com']) {
      const { context, page } = await open({ width: 390 });
      const { popup, closed } = await openPopup(context, page, `Log in with ${provider}`);
      if (provider === 'Dev login') await devForm(popup, 'Ada Lovelace');
      await closed;
      const change = page.locator('.byline-in .byline-change');
      await change.waitFor();
      for (let width = 320; width <= 480; width += 2) {
        await page.setViewportSize({ width, height: 1000 });
        // The top of the ")" after "Change", against the top of "Change" itself.
        const tops = await change.evaluate((button) => {
          let node: Node | null = button.nextSibling;
          while (node && !(node.nodeType === Node.TEXT_NODE && node.textContent?.includes(')')))
            node = node.nextSibling;
          if (!node) throw new Error('no ")" after Change');
          const range = document.createRange();
          const at = (node.textContent ?? '').indexOf(')');
          range.setStart(node, at);
          range.setEnd(node, at + 1);
          return { paren: range.getBoundingClientRect().top, change: button.getBoundingClientRect().top };
        });
        assert.ok(
          Math.abs(tops.paren - tops.change) < 4,
          `${provider} at ${width} px: ")" at ${tops.paren}, "Change" at ${tops.change}`,
        );
      }
      await page.setViewportSize({ width: 390, height: 1000 });
      await page.locator('#respond').screenshot({ path: artifactPath(`logged-in-390-${provider}.png`) });
    }
  });
});
