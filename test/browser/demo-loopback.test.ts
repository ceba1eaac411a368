import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Browser, chromium } from 'playwright-core';
import { startShippedDefault, type TestGateway } from '../support/gateway.js';
import { artifactPath, chromiumPath, popupLogin, requireChromium } from './scene.js';

/**
 * The shipped default config as `npm start` runs it — publicUrl http://localhost:<port>, listening on
 * 127.0.0.1 — and a reader who types the address the server listens on, 127.0.0.1, instead.
 */
// Without Chromium, requireChromium fails the test with the line that installs it (never a skip).
describe('the demo opened at 127.0.0.1 while publicUrl says localhost', () => {
  let gateway: TestGateway & { port: number };
  let port: number;
  let browser: Browser;

  before(async () => {
    requireChromium();
    gateway = await startShippedDefault();
    port = gateway.port;
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
  });
  after(async () => {
    await browser?.close();
    await gateway?.close();
  });

  test('the reader ends up on a styled demo page whose widget logs in and posts a comment', async () => {
    const context = await browser.newContext({ viewport: { width: 900, height: 1100 } });
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));

      await page.goto(`http://127.0.0.1:${port}/demo`);
      assert.equal(page.url(), `http://localhost:${port}/demo`, 'redirected to publicUrl');
      // demo.css applied: the post column is 42rem wide, the header set in a sans-serif face.
      assert.equal(await page.locator('main').evaluate((main) => getComputedStyle(main).maxWidth), '672px');
      // The widget ran: the provider icons and the guest fields replaced nothing of the site's form.
      await page.locator('.byline-providers').waitFor();
      await page.locator('#comment').fill('Typed 127.0.0.1, and it still works.');

      await popupLogin(context, page, 'Grace Hopper');
      await page.locator('.byline-in').filter({ hasText: 'Dev login' }).waitFor();
      await page.getByRole('button', { name: 'Post Comment' }).click();
      const posted = page.locator('.comment').filter({ hasText: 'Typed 127.0.0.1, and it still works.' });
      await posted.waitFor();
      assert.equal(await posted.locator('.comment-author').textContent(), 'Grace Hopper');

      await page.screenshot({ path: artifactPath('demo-at-127.0.0.1.png'), fullPage: true });
      assert.deepEqual(
        problems.filter((text) => /Content Security Policy|Refused|CORS/i.test(text)),
        [],
      );
    } finally {
      await context.close();
    }
  });
});
