// Sign in with Apple's form_post answer in a real browser: Apple's page (the double, on another site:
// localhost against Byline's 127.0.0.1) posts the code to Byline's callback cross-site, so Chromium, which
// also blocks third-party cookies here, sends none of Byline's SameSite=Lax cookies with it. Byline's
// re-post page sends the same fields again from its own origin, with the cookies, and the reader reaches
// the site with a code.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { type AppleDouble, startAppleDouble } from '../support/apple-double.js';
import { authorizeUrl, loginCommenter, siteParams } from '../support/flow.js';
import type { TestGateway } from '../support/gateway.js';
import { pkce } from '../support/pkce.js';
import { startGatewayFor } from '../support/provider-gateway.js';
import { launchChromium, requireChromium } from './scene.js';

requireChromium();

describe('Sign in with Apple’s form_post callback in Chromium', () => {
  let apple: AppleDouble;
  let gateway: TestGateway;
  let browser: Browser;
  before(async () => {
    apple = await startAppleDouble();
    const { clientId, teamId, keyId, privateKey } = apple;
    gateway = await startGatewayFor(apple, {
      apple: { clientId, teamId, keyId, privateKey, endpoints: apple.endpoints('localhost') },
    });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await gateway?.close();
    await apple?.close();
  });

  test('Apple’s cross-site POST carries no cookie; Byline re-posts it from its origin and the reader reaches the site with a code', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    // The site: its callback page, served in place of https://blog.example.
    await page.route('https://blog.example/**', (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><p>The blog</p>' }),
    );
    const callback = `${gateway.url}/auth/apple/callback`;
    const posts: Promise<Record<string, string>>[] = [];
    page.on('request', (request) => {
      if (request.url() === callback && request.method() === 'POST') posts.push(request.allHeaders());
    });

    const { verifier, challenge } = pkce();
    await page.goto(authorizeUrl(gateway, challenge, { idp: 'apple' }).href);
    await page.waitForURL(/^https:\/\/blog\.example\/callback\?/);

    const location = page.url();
    assert.ok(siteParams(location).get('code'), location);
    assert.equal(siteParams(location).get('state'), 'state-123');
    const [crossSite, reposted, ...more] = await Promise.all(posts);
    assert.equal(more.length, 0, 'one re-post, no loop');
    assert.equal(crossSite?.origin, new URL(apple.endpoints('localhost').authorization).origin);
    assert.notEqual(new URL(crossSite?.origin ?? '').hostname, new URL(gateway.url).hostname, 'another site');
    assert.doesNotMatch(crossSite?.cookie ?? '', /byline_login_|byline_tx/, 'SameSite=Lax: not sent');
    assert.match(reposted?.cookie ?? '', /byline_login_/, 'the re-post carries the transaction cookie');
    assert.match(reposted?.cookie ?? '', /byline_tx=/, 'and the browser binding');

    const commenter = await loginCommenter(gateway, { location, verifier });
    assert.equal(commenter.sub, `apple:${apple.account.sub}`);
    assert.equal(commenter.name, 'Ada Lovelace');
    await context.close();
  });
});
