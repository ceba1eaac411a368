// A fediverse login in a real browser: on the blog, the widget's Mastodon button opens the chooser at its
// labelled input; the reader types their address, the page says it is connecting while Byline registers at
// the instance (a Mastodon double on loopback, allowed by http.allowPrivateUpstreams), and the reader comes
// back to the blog logged in. Byline's origin remembers the address typed last, offers nothing it has not
// seen, and forgets an address that failed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { type MastodonDouble, startMastodonDouble } from '../support/mastodon-double.js';
import { artifactPath, openPopup, requireChromium, type Scene, startScene } from './scene.js';

requireChromium();

describe('Logging in with a fediverse address in Chromium', () => {
  let scene: Scene;
  let double: MastodonDouble;
  const statuses: { text: string; buttonDisabled: boolean }[] = [];

  before(async () => {
    double = await startMastodonDouble('4.4');
    scene = await startScene({
      providers: { mastodon: {} },
      http: { allowPrivateUpstreams: true },
      // No name resolves (the double is reached by its address): nothing goes to the network's DNS.
      resolve: async (hostname) => {
        throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      },
    });
  });
  after(async () => {
    await scene?.close();
    await double?.close();
  });

  async function blogPage(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await scene.newContext();
    statuses.length = 0;
    await context.exposeBinding('bylineStatus', (_source, text: string, buttonDisabled: boolean) => {
      statuses.push({ text, buttonDisabled });
    });
    // Byline's pages navigate away as soon as the instance has answered: the watcher reports each status
    // the handle form shows, as it shows it.
    await context.addInitScript(() => {
      const report = (window as unknown as { bylineStatus?: (text: string, disabled: boolean) => void })
        .bylineStatus;
      document.addEventListener('DOMContentLoaded', () => {
        for (const status of Array.from(document.querySelectorAll('form.handle .handle-status'))) {
          const button = status.closest('form')?.querySelector('button');
          new MutationObserver(() => {
            if (status.textContent) report?.(status.textContent, button?.disabled === true);
          }).observe(status, { childList: true, characterData: true, subtree: true });
        }
      });
    });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${scene.blog}/demo`);
    await page.locator('.byline-providers').waitFor();
    return { context, page };
  }

  const remembered = (page: Page) => page.evaluate(() => localStorage.getItem('byline.handle.mastodon'));

  test('the widget’s button opens the chooser at the input; typing the address reaches the blog, logged in', async () => {
    // The instance registers Byline slowly enough for the page to show that it is connecting.
    double.appDelayMs = 800;
    const host = new URL(double.url).host;
    const { context, page } = await blogPage();
    const { popup, closed } = await openPopup(context, page, 'Log in with Mastodon');
    const input = popup.getByRole('textbox', { name: 'Your fediverse address', exact: true });
    await input.waitFor();
    assert.equal(await popup.evaluate(() => document.activeElement?.id), 'handle-mastodon', 'focused');
    assert.equal(await input.inputValue(), '', 'nothing suggested that this browser has not seen');
    await input.fill(`@alice@${host}`);
    await input.press('Enter');
    // What the page said while it waited (reported by the status watcher, which outlives the page).
    assert.deepEqual(statuses, [{ text: `Connecting to ${host}…`, buttonDisabled: true }]);
    await closed;

    await page
      .locator('.byline-in')
      .filter({ hasText: 'You are commenting using your Mastodon account.' })
      .waitFor();
    assert.match((await page.locator('.byline-in').textContent()) ?? '', /Alice :blobcat:/);
    assert.equal(double.to('POST', '/api/v1/apps').length, 1);

    // The chooser on Byline's origin (Change: prompt=select_account) offers the address typed last.
    const chooser = await context.newPage();
    await chooser.goto(`${scene.gateway.url}/authorize?${widgetQuery(page.url())}`);
    const offered = chooser.getByRole('textbox', { name: 'Your fediverse address', exact: true });
    assert.equal(await offered.inputValue(), `@alice@${host}`);
    await chooser.screenshot({ path: artifactPath('mastodon-chooser.png') });
  });

  test('an address that does not resolve is explained at the input, and forgotten', async () => {
    double.appDelayMs = 0;
    const { context, page } = await blogPage();
    const { popup } = await openPopup(context, page, 'Log in with Mastodon');
    const input = popup.getByRole('textbox', { name: 'Your fediverse address', exact: true });
    await input.fill('@alice@nowhere.invalid');
    await input.press('Enter');
    await popup
      .locator('#handle-mastodon-error')
      .filter({ hasText: 'nowhere.invalid could not be found. Check the address and try again.' })
      .waitFor();
    assert.equal(await input.getAttribute('aria-invalid'), 'true');
    assert.equal(await input.inputValue(), '@alice@nowhere.invalid', 'what was typed stays, to correct');
    assert.equal(await remembered(popup), null, 'a failed address is not offered again');
    await popup.screenshot({ path: artifactPath('mastodon-not-found.png') });

    // Corrected there, the login goes on from the same page.
    await input.fill(`${double.url}/@alice`);
    const closed = popup.waitForEvent('close');
    await input.press('Enter');
    await closed;
    await page
      .locator('.byline-in')
      .filter({ hasText: 'You are commenting using your Mastodon account.' })
      .waitFor();
  });
});

/** An /authorize query as the demo's widget sends it for Change (any PKCE challenge): the chooser, always. */
function widgetQuery(blogUrl: string): string {
  const origin = new URL(blogUrl).origin;
  return new URLSearchParams({
    client_id: 'demo',
    redirect_uri: `${origin}/demo/callback`,
    response_type: 'code',
    state: 'x',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
    prompt: 'select_account',
  }).toString();
}
