import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { packageRoot } from '../../src/config/load.js';
import {
  artifactPath,
  devForm,
  openPopup,
  popupLogin,
  requireChromium,
  type Scene,
  startScene,
  watchRequests,
} from './scene.js';

let scene: Scene;

async function open(path = '/demo', init?: () => void): Promise<{ context: BrowserContext; page: Page }> {
  const context = await scene.newContext();
  if (init) await context.addInitScript(init);
  return { context, page: await scene.openBlog(context, path) };
}

const comment = (page: Page) => page.locator('#comment');
const loggedIn = (page: Page) => page.locator('.byline-in');
const fieldInput = (page: Page, name: string) => page.locator(`.byline-field-${name} input`);

// Without Chromium this file fails at once with the line that installs it: never a skip.
requireChromium();

describe('the comment form in a real browser', () => {
  before(async () => {
    scene = await startScene();
  });
  after(() => scene?.close());

  test('popup login with the dev provider, then the comment is posted under the commenter’s name', async () => {
    const { context, page } = await open();
    const requests = watchRequests(page, scene.gateway.url);
    await screenshot(page, '#respond', artifactPath('comment-form-logged-out.png'));
    await expectText(
      page.locator('.byline-prompt'),
      'Fill in your details below or click an icon to log in:',
    );
    await comment(page).fill('Choosing customers is choosing your roadmap.');

    await popupLogin(context, page, 'Ada Lovelace');
    await expectText(loggedIn(page), 'You are commenting using your Dev login account.');
    await expectText(loggedIn(page), '( Log Out / Change )');
    assert.equal(await page.locator('.byline-status').textContent(), 'You are logged in as Ada Lovelace.');
    assert.equal(await comment(page).inputValue(), 'Choosing customers is choosing your roadmap.');

    await screenshot(page, '#respond', artifactPath('comment-form-logged-in.png'));
    // The README's picture: rewritten when missing, or on request (UPDATE_SCREENSHOTS=1 npm test).
    const docs = join(packageRoot, 'docs', 'comment-form.png');
    if (process.env.UPDATE_SCREENSHOTS || !existsSync(docs)) await screenshot(page, '#respond', docs);

    await page.getByRole('button', { name: 'Post Comment' }).click();
    const posted = page
      .locator('.comment')
      .filter({ hasText: 'Choosing customers is choosing your roadmap.' });
    await posted.waitFor();
    await expectText(posted.locator('.comment-author'), 'Ada Lovelace');
    await expectText(posted.locator('.comment-via'), 'via Dev login');
    // Accepted: the draft is gone, the login stays.
    assert.equal(await comment(page).inputValue(), '');
    await expectText(loggedIn(page), 'You are commenting using your Dev login account.');

    // Byline's cookies exist (the popup is first-party to Byline) ...
    const cookies = await context.cookies(scene.gateway.url);
    assert.ok(cookies.some((cookie) => cookie.name === 'byline_session'));
    // ... and the blog page never sent one: widget.js, the config, the icons, /token.
    const seen = await requests.all();
    assert.ok(seen.some((request) => request.url.endsWith('/token')));
    assert.ok(seen.some((request) => request.url.includes('/widget/config')));
    assert.deepEqual(await requests.withCookies(), []);
  });

  test('popup login with WordPress.com (a double speaking its wire format) names the commenter from /me', async () => {
    const { context, page } = await open();
    await comment(page).fill('Posted with a WordPress.com account.');
    const { closed } = await openPopup(context, page, 'Log in with WordPress.com');
    await closed;
    await expectText(loggedIn(page), 'You are commenting using your WordPress.com account.');
    await page.getByRole('button', { name: 'Post Comment' }).click();
    const posted = page.locator('.comment').filter({ hasText: 'Posted with a WordPress.com account.' });
    await posted.waitFor();
    await expectText(posted.locator('.comment-author'), 'Ada Lovelace');
    await expectText(posted, 'via WordPress.com');
  });

  test('a guest comment: a field error shown next to the field, the text kept, then posted', async () => {
    const { page } = await open();
    const requests = watchRequests(page, scene.gateway.url);
    await comment(page).fill('A guest’s view.');
    await fieldInput(page, 'name').fill('Grace Hopper');
    await page.getByRole('button', { name: 'Post Comment' }).click();

    const error = page.locator('.byline-field-email .byline-field-error');
    await expectText(error, 'Enter your email address');
    assert.equal(await fieldInput(page, 'email').getAttribute('aria-invalid'), 'true');
    assert.equal(await fieldInput(page, 'email').evaluate((input) => input === document.activeElement), true);
    assert.equal(await comment(page).inputValue(), 'A guest’s view.');

    await fieldInput(page, 'email').fill('grace@example.com');
    await page.getByRole('button', { name: 'Post Comment' }).click();
    const posted = page.locator('.comment').filter({ hasText: 'A guest’s view.' });
    await posted.waitFor();
    await expectText(posted.locator('.comment-author'), 'Grace Hopper');
    await expectText(posted.locator('.comment-via'), '(guest)');
    assert.match(
      (await posted.locator('img.avatar').getAttribute('src')) ?? '',
      /^https:\/\/gravatar\.com\/avatar\//,
    );
    await expectText(loggedIn(page).locator('.byline-name'), 'Grace Hopper');
    await expectText(loggedIn(page), 'You are commenting as a guest.');
    assert.deepEqual(await requests.withCookies(), []);
  });

  test('with popups blocked the login falls back to a redirect and returns with the typed comment', async () => {
    const { page } = await open('/demo', () => {
      window.open = () => null;
    });
    const requests = watchRequests(page, scene.gateway.url);
    await comment(page).fill('Typed before a redirect login.');
    await page.getByRole('button', { name: 'Log in with Dev login' }).click();
    await page.waitForURL(new RegExp(`^${scene.gateway.url}/dev-idp/`));
    await devForm(page, 'Redirect Reader');
    await page.waitForURL(`${scene.blog}/demo#commentform`);
    await expectText(loggedIn(page), 'You are commenting using your Dev login account.');
    assert.equal(await comment(page).inputValue(), 'Typed before a redirect login.');

    await page.getByRole('button', { name: 'Post Comment' }).click();
    const posted = page.locator('.comment').filter({ hasText: 'Typed before a redirect login.' });
    await posted.waitFor();
    await expectText(posted.locator('.comment-author'), 'Redirect Reader');
    assert.deepEqual(await requests.withCookies(), []);
  });

  test('what the reader typed survives a reload', async () => {
    const { page } = await open();
    await comment(page).fill('Half-written thought');
    await fieldInput(page, 'name').fill('Reloading Reader');
    await fieldInput(page, 'website').fill('https://reader.example');
    await page.reload();
    await page.locator('.byline-providers').waitFor();
    assert.equal(await comment(page).inputValue(), 'Half-written thought');
    assert.equal(await fieldInput(page, 'name').inputValue(), 'Reloading Reader');
    assert.equal(await fieldInput(page, 'website').inputValue(), 'https://reader.example');
  });

  test('Log Out revokes and shows the guest form again; Change reopens the chooser', async () => {
    const { context, page } = await open();
    await page.evaluate(() => {
      const form = document.querySelector('form') as HTMLFormElement;
      (window as unknown as { events: string[] }).events = [];
      for (const type of ['byline:login', 'byline:logout'])
        form.addEventListener(type, (event) =>
          (window as unknown as { events: string[] }).events.push(
            `${type}:${(event as CustomEvent).detail.name ?? ''}`,
          ),
        );
    });
    await popupLogin(context, page, 'Logout Tester');
    await expectText(loggedIn(page), 'You are commenting using your Dev login account.');
    await page.reload();
    // The login outlives a reload (the refresh token is in sessionStorage).
    await expectText(loggedIn(page), 'You are commenting using your Dev login account.');
    const stored = await page.evaluate(() =>
      Object.entries(sessionStorage).find(([key]) => key.startsWith('byline:auth:')),
    );
    const refresh = (JSON.parse(stored?.[1] ?? '{}') as { refresh?: string }).refresh as string;
    assert.ok(refresh);

    await page.evaluate(() => {
      const form = document.querySelector('form') as HTMLFormElement;
      (window as unknown as { events: string[] }).events = [];
      form.addEventListener('byline:logout', () =>
        (window as unknown as { events: string[] }).events.push('byline:logout'),
      );
    });
    await page.getByRole('button', { name: 'Log Out' }).click();
    await fieldInput(page, 'email').waitFor();
    assert.deepEqual(await page.evaluate(() => (window as unknown as { events: string[] }).events), [
      'byline:logout',
    ]);
    assert.equal(
      await page.evaluate(() => Object.keys(sessionStorage).some((key) => key.startsWith('byline:auth:'))),
      false,
    );
    const refreshed = await fetch(`${scene.gateway.url}/token`, {
      method: 'POST',
      headers: { origin: scene.blog, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: refresh,
        client_id: 'demo',
      }).toString(),
    });
    assert.equal(refreshed.status, 400, 'the revoked refresh token no longer works');

    // Logging out of the site leaves the Byline login: the popup comes straight back, no form.
    await (await openPopup(context, page, 'Log in with Dev login')).closed;
    await expectText(loggedIn(page), 'You are commenting using your Dev login account.');
    // Change: the chooser opens with prompt=select_account and knows the reader.
    const { popup: chooser, closed } = await openPopup(context, page, 'Change');
    await chooser.waitForLoadState();
    assert.match(chooser.url(), /prompt=select_account/);
    await expectText(chooser.locator('.session'), 'Logged in as Logout Tester');
    await chooser.getByRole('link', { name: 'Log in with Dev login' }).click();
    await devForm(chooser, 'Someone Else');
    await closed;
    await expectText(loggedIn(page), 'Someone Else');
  });

  test('Byline’s own /demo works under its strict CSP', async () => {
    const context = await scene.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${scene.gateway.url}/demo`);
    await page.locator('.byline-providers').waitFor();
    await popupLogin(context, page, 'Same Origin');
    await expectText(loggedIn(page), 'You are commenting using your Dev login account.');
    // The widget's styles applied (a constructed stylesheet, which CSP allows).
    const display = await page.locator('.byline-in').evaluate((element) => getComputedStyle(element).display);
    assert.equal(display, 'flex');
    await comment(page).fill('Same-origin comment');
    await page.getByRole('button', { name: 'Post Comment' }).click();
    const posted = page.locator('.comment').filter({ hasText: 'Same-origin comment' });
    await posted.waitFor();
    // The provider's name, which Byline's own demo reads from /widget/config through the upstream fetch.
    await expectText(posted.locator('.comment-via'), 'via Dev login');
    assert.deepEqual(
      problems.filter((text) => /Content Security Policy|Refused/i.test(text)),
      [],
    );
  });
});

async function expectText(locator: ReturnType<Page['locator']>, text: string): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor({ state: 'visible' });
}

/** A screenshot of one element with a margin around it. */
async function screenshot(page: Page, selector: string, path: string): Promise<void> {
  const box = await page.locator(selector).boundingBox();
  if (!box) throw new Error(`${selector} is not visible`);
  await page.screenshot({
    path,
    clip: { x: box.x - 24, y: box.y - 8, width: box.width + 48, height: box.height + 24 },
  });
}
