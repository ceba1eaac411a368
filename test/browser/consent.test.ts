// The consent question in a real browser: inside the widget's login popup, Continue (a POST to Byline's
// own page) still hands the login back to the blog page through window.opener, and Cancel tells the
// widget the login was cancelled. The demo site here is untrusted, as other people's blogs are.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { devForm, openPopup, requireChromium, type Scene, startScene } from './scene.js';

let scene: Scene;

async function open(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await scene.newContext();
  return { context, page: await scene.openBlog(context) };
}

requireChromium();

describe('the consent question in the login popup', () => {
  before(async () => {
    scene = await startScene({ trusted: false });
  });
  after(() => scene?.close());

  test('after the dev login the popup asks "Continue to Demo Blog as …?"; Continue logs the blog page in', async () => {
    const { context, page } = await open();
    const { popup, closed } = await openPopup(context, page, 'Log in with Dev login');
    await devForm(popup, 'Grace Hopper');
    await popup.getByRole('heading', { name: 'Continue to Demo Blog as Grace Hopper?' }).waitFor();
    assert.match(
      (await popup.locator('.who').textContent()) ?? '',
      /Logged in as Grace Hopper with Dev login/,
    );
    await popup.getByRole('button', { name: 'Continue' }).click();
    await closed;
    const inside = page.locator('.byline-in');
    await inside.waitFor();
    assert.match((await inside.textContent()) ?? '', /You are commenting using your Dev login account\./);

    // Chosen once: the next login of the same reader at the same blog asks nothing.
    const second = await open();
    const again = await openPopup(second.context, second.page, 'Log in with Dev login');
    await devForm(again.popup, 'Grace Hopper');
    await again.closed;
    await second.page.locator('.byline-in').waitFor();
  });

  test('Cancel closes the popup and the blog page says the login was cancelled', async () => {
    const { context, page } = await open();
    const { popup, closed } = await openPopup(context, page, 'Log in with Dev login');
    await devForm(popup, 'Cautious Reader');
    await popup.getByRole('button', { name: 'Cancel' }).click();
    await closed;
    const error = page.locator('.byline-error');
    await error.filter({ hasText: 'The login was cancelled.' }).waitFor();
    assert.equal(await page.locator('.byline-in').isVisible(), false);
  });
});
