// Logging in with one's own website in a real browser: the reader types the address into the chooser's
// labelled input, the page says it is connecting, Byline discovers the site's IndieAuth server (doubles on
// loopback, allowed by http.allowPrivateUpstreams) and the reader comes back to the site with a code. The
// next chooser offers the website typed last, from this browser's storage on Byline's origin.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { authorizeUrl, loginCommenter } from '../support/flow.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import {
  htmlPage,
  type IndieAuthServerDouble,
  type SiteDouble,
  startIndieAuthServer,
  startSite,
} from '../support/indieauth-double.js';
import { pkce } from '../support/pkce.js';
import { launchChromium, requireChromium } from './scene.js';

requireChromium();

describe('Logging in with a website from the chooser in Chromium', () => {
  let gateway: TestGateway;
  let server: IndieAuthServerDouble;
  let site: SiteDouble;
  let browser: Browser;
  before(async () => {
    server = await startIndieAuthServer();
    site = await startSite();
    gateway = await startGateway({
      config: { http: { allowPrivateUpstreams: true }, providers: { indieauth: {}, dev: { type: 'dev' } } },
    });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await gateway?.close();
    await Promise.all([server?.close(), site?.close()]);
  });

  test('typing a website in the chooser reaches the site and comes back with a code; the next chooser offers it again', async () => {
    site.pages.set('/', htmlPage([['indieauth-metadata', server.metadataUrl]]));
    server.answer = { me: `${site.url}/`, profile: { name: 'Alice Liddell' } };
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.route('https://blog.example/**', (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><p>The blog</p>' }),
    );

    const { verifier, challenge } = pkce();
    await page.goto(authorizeUrl(gateway, challenge).href);
    const input = page.getByRole('textbox', { name: 'Your website', exact: true });
    await input.fill(site.url);
    // What the page says once the form is sent (read in the submit event: the page is leaving).
    const said: [string, boolean][] = [];
    await page.exposeFunction('reportStatus', (text: string, disabled: boolean) =>
      said.push([text, disabled]),
    );
    await page.evaluate(() => {
      const form = document.querySelector('form[data-provider="indieauth"]') as HTMLFormElement;
      const report = (window as unknown as { reportStatus(text: unknown, disabled: boolean): void })
        .reportStatus;
      form.addEventListener('submit', () =>
        report(
          form.querySelector('[role=status]')?.textContent,
          form.querySelector('button')?.disabled === true,
        ),
      );
    });
    await page.locator('form[data-provider="indieauth"]').getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/^https:\/\/blog\.example\/callback\?/);
    assert.deepEqual(said, [[`Connecting to ${new URL(site.url).host}…`, true]]);
    assert.equal(site.to('/').length, 1, 'Byline read the site');

    const commenter = await loginCommenter(gateway, { location: page.url(), verifier });
    assert.equal(commenter.sub, `indieauth:${site.url}/`);
    assert.equal(commenter.name, 'Alice Liddell');

    await page.goto(authorizeUrl(gateway, pkce().challenge, { prompt: 'select_account' }).href);
    assert.equal(
      await page.getByRole('textbox', { name: 'Your website', exact: true }).inputValue(),
      site.url,
    );
    await context.close();
  });
});
