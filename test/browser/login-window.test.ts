// The login window as a reader follows it in Chromium (issue 17, item 3): what the form's live region
// says while the chooser is open and after the window closed, and where the chooser's "Change" leads.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { pkce } from '../support/pkce.js';
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

async function open() {
  const context = await scene.newContext();
  return { context, page: await scene.openBlog(context) };
}

const status = (page: Page) => page.locator('.byline-status');

// Without Chromium this file fails at once with the line that installs it: never a skip.
requireChromium();

describe('the login window, in a real browser', () => {
  before(async () => {
    scene = await startScene();
  });
  after(() => scene?.close());

  test('while the chooser is open the form says “Choose how to log in…”, not the blog’s name', async () => {
    const { context, page } = await open();
    await popupLogin(context, page, 'Ada Lovelace');
    const { popup } = await openPopup(context, page, 'Change');
    const connecting = page.locator('.byline-connecting');
    await connecting.filter({ hasText: 'Choose how to log in…' }).waitFor();
    assert.doesNotMatch((await connecting.textContent()) ?? '', /Demo Blog/);
    assert.equal(await status(page).textContent(), 'Choose how to log in… A login window is open.');
    await page.locator('#respond').screenshot({ path: artifactPath('choosing.png') });
    await popup.close();
  });

  test('once the login window is closed, the live region no longer says it is open', async () => {
    const { context, page } = await open();
    const { popup } = await openPopup(context, page, 'Log in with Dev login');
    assert.match((await status(page).textContent()) ?? '', /A login window is open\.$/);
    await popup.close();
    await page.locator('.byline-error').filter({ hasText: 'The login window was closed' }).waitFor();
    assert.equal(await status(page).textContent(), 'The login window is closed.');
    // A login that completes ends the same way, then says who logged in.
    await popupLogin(context, page, 'Ada Lovelace');
    await page.locator('.byline-in').waitFor();
    assert.equal(await status(page).textContent(), 'You are logged in as Ada Lovelace.');
  });

  for (const javaScript of [true, false])
    test(`the chooser’s “Change” takes the reader to the providers (JavaScript ${javaScript ? 'on' : 'off'})`, async () => {
      const context = await scene.newContext({
        viewport: { width: 500, height: 1000 },
        javaScriptEnabled: javaScript,
      });
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      const authorize = (extra: Record<string, string>) =>
        `${scene.gateway.url}/authorize?${new URLSearchParams({
          client_id: 'demo',
          redirect_uri: `${scene.blog}/demo/callback`,
          response_type: 'code',
          state: 'state-1',
          code_challenge: pkce().challenge,
          code_challenge_method: 'S256',
          ...extra,
        })}`;
      // A Byline login first, then the chooser that knows the reader ("Logged in as …").
      await page.goto(authorize({ idp: 'dev' }));
      await devForm(page, 'Chooser Reader');
      await page.waitForURL(`${scene.blog}/demo/**`);
      await page.goto(authorize({ prompt: 'select_account' }));
      await page.locator('.session').filter({ hasText: 'Logged in as Chooser Reader' }).waitFor();
      const providers = page.locator('#providers');
      assert.equal(await providers.evaluate((list) => getComputedStyle(list).outlineStyle), 'none');

      await page.getByRole('link', { name: 'Change' }).click();
      await page.waitForURL(/#providers$/);
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'providers');
      assert.equal(await providers.evaluate((list) => getComputedStyle(list).outlineStyle), 'solid');
      await page.keyboard.press('Tab');
      assert.equal(
        await page.evaluate(() => document.activeElement === document.querySelector('#providers a')),
        true,
        'the next Tab reaches the first provider',
      );
      await page.screenshot({ path: artifactPath(`chooser-change-js-${javaScript ? 'on' : 'off'}.png`) });
    });
});
