// A guest who proves their email address, in Chromium: the demo-like blog on another origin, the code
// mailed to a real SMTP server in this process, typed into the comment form, the comment posted.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { codeIn, startMailServer, type TestMailServer } from '../support/mail-server.js';
import { artifactPath, requireChromium, type Scene, startScene, watchRequests } from './scene.js';

let scene: Scene;
let mail: TestMailServer;

async function open(): Promise<Page> {
  return scene.openBlog(await scene.newContext());
}

const comment = (page: Page) => page.locator('#comment');
const fieldInput = (page: Page, name: string) => page.locator(`.byline-field-${name} input`);
const post = (page: Page) => page.getByRole('button', { name: 'Post Comment' }).click();

// Without Chromium this file fails at once with the line that installs it: never a skip.
requireChromium();

describe('a guest who proves their email address, in a real browser', () => {
  before(async () => {
    mail = await startMailServer();
    scene = await startScene({
      guests: { verifyEmail: 'required' },
      smtp: { url: mail.url, from: 'Demo Blog <blog@byline.example>' },
    });
  });
  after(async () => {
    await scene?.close();
    await mail?.close();
  });

  test('name and email, the code from the mail typed into the form, the comment posted: the draft kept all along', async () => {
    const page = await open();
    const requests = watchRequests(page, scene.gateway.url);
    await comment(page).fill('Verified guests make better neighbours.');
    await fieldInput(page, 'email').fill('grace@example.com');
    await fieldInput(page, 'name').fill('Grace Hopper');
    assert.equal(await fieldInput(page, 'code').isVisible(), false);

    // The first post asks for the code and waits for it: nothing is posted, nothing is lost.
    await post(page);
    const notice = page.locator('.byline-code-notice');
    await notice.filter({ hasText: 'We mailed a six-digit code to grace@example.com' }).waitFor();
    const code = codeIn(await mail.next());
    assert.equal(await fieldInput(page, 'code').isVisible(), true);
    assert.equal(await fieldInput(page, 'code').evaluate((input) => input === document.activeElement), true);
    assert.equal(await comment(page).inputValue(), 'Verified guests make better neighbours.');
    assert.equal(await page.locator('.comment').filter({ hasText: 'Verified guests' }).count(), 0);
    await page.locator('#respond').screenshot({ path: artifactPath('guest-code-asked.png') });

    // A wrong code: the message under the code field, the draft still there.
    await fieldInput(page, 'code').fill(code === '000000' ? '111111' : '000000');
    await post(page);
    const error = page.locator('.byline-field-code .byline-field-error');
    await error.filter({ hasText: 'That code is not right. 4 tries left.' }).waitFor();
    assert.equal(await fieldInput(page, 'code').getAttribute('aria-invalid'), 'true');
    assert.equal(await comment(page).inputValue(), 'Verified guests make better neighbours.');

    await fieldInput(page, 'code').fill(code);
    await post(page);
    const posted = page.locator('.comment').filter({ hasText: 'Verified guests make better neighbours.' });
    await posted.waitFor();
    await posted.locator('.comment-author').filter({ hasText: 'Grace Hopper' }).waitFor();
    // Accepted: the draft is cleared, the reader is logged in as the verified guest.
    assert.equal(await comment(page).inputValue(), '');
    await page.locator('.byline-in').filter({ hasText: 'Grace Hopper' }).waitFor();
    const claims = await page.evaluate(() => {
      const entry = Object.entries(sessionStorage).find(([key]) => key.startsWith('byline:auth:'));
      return (JSON.parse(entry?.[1] ?? '{}') as { claims?: Record<string, unknown> }).claims;
    });
    assert.equal(claims?.idp, 'guest');
    // One mail for one request; the blog page never sent Byline a cookie.
    assert.equal(mail.mails.length, 1);
    const seen = await requests.all();
    assert.ok(seen.some((request) => request.url.endsWith('/guest/code')));
    assert.deepEqual(await requests.withCookies(), []);

    // The next comment in this tab needs no code (the login's refresh token).
    await comment(page).fill('And a second one.');
    await post(page);
    await page.locator('.comment').filter({ hasText: 'And a second one.' }).waitFor();
    assert.equal(mail.mails.length, 1);
  });
});
