import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { packageRoot } from '../../src/config/load.js';
import { authorizeUrl } from '../support/flow.js';
import { listenOnFreePort, startGateway, type TestGateway } from '../support/gateway.js';
import { pkce } from '../support/pkce.js';
import { artifactPath, chromiumPath, requireChromium } from './scene.js';

// Without Chromium this file fails at once with the line that installs it: never a skip.
requireChromium();

const app = { clientId: 'client-id', clientSecret: 'client-secret' };
const appleKey = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();

/**
 * Every preset by its type, with only what it needs (no provider is contacted to show its button), in
 * an order that is not the site's: the buttons must follow the site's `providers`.
 */
const providers = {
  facebook: app,
  wordpress: app,
  linkedin: app,
  gitlab: app,
  discord: app,
  x: app,
  apple: {
    clientId: 'com.example.blog.login',
    teamId: 'TEAM123456',
    keyId: 'KEY1234567',
    privateKey: appleKey,
  },
  microsoft: app,
  google: app,
  github: app,
};
const order = [
  'github',
  'google',
  'microsoft',
  'apple',
  'x',
  'discord',
  'gitlab',
  'linkedin',
  'wordpress',
  'facebook',
];
const brands = [
  'GitHub',
  'Google',
  'Microsoft',
  'Apple',
  'X',
  'Discord',
  'GitLab',
  'LinkedIn',
  'WordPress.com',
  'Facebook',
];
const labels = brands.map((brand) => `Log in with ${brand}`);

let gateway: TestGateway;
let blogServer: Server;
let blog: string;
let browser: Browser;
const contexts: BrowserContext[] = [];

/**
 * A blog page with three comment forms: the default icon row, labelled buttons (`data-byline-labels`),
 * and an icon row on a dark page that themes the widget (`data-byline-labels="false"` is no labels).
 */
function blogPage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A blog post</title>
<style>body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1d2327;background:#fff}section{padding:12px 24px}
.dark{background:#1e1e1e;color:#f0f0f1;--byline-surface:#2c2c2c;--byline-border:#50575e;--byline-text:#f0f0f1}</style></head>
<body>
<section><form id="icons" data-byline-site="blog" method="post" action="/comments"></form></section>
<section><form id="labels" data-byline-site="blog" data-byline-labels method="post" action="/comments"></form></section>
<section class="dark"><form id="dark" data-byline-site="blog" data-byline-labels="false" method="post" action="/comments"></form></section>
<script src="${gateway.url}/widget.js" defer></script>
</body></html>`;
}

async function open(options: { colorScheme?: 'light' | 'dark' } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 720, height: 900 }, ...options });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

async function imagesLoaded(page: Page): Promise<void> {
  await page.waitForFunction(() => Array.from(document.images).every((image) => image.complete));
  const broken = await page.evaluate(() =>
    Array.from(document.images)
      .filter((image) => image.naturalWidth === 0)
      .map((image) => image.src),
  );
  assert.deepEqual(broken, [], 'every icon loads');
}

/** sRGB relative luminance (WCAG 2). */
function luminance([r = 0, g = 0, b = 0]: number[]): number {
  const linear = (c: number) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

/**
 * The share of an icon's pixels, as the reader sees them, that contrast with what is behind the icon
 * by at least 3:1 (WCAG's non-text contrast). A black mark on a dark page scores nothing; X's thin white
 * X on its black tile, on a dark page, about 7% at 24 px: 4% is the least that a reader makes out.
 */
async function standingOut(image: Locator, decoder: Page): Promise<number> {
  const behind = await image.evaluate((element) => {
    for (let node: Element | null = element.parentElement; node; node = node.parentElement) {
      const colour = getComputedStyle(node).backgroundColor;
      const [r = 0, g = 0, b = 0, a = 1] = (colour.match(/[\d.]+/g) ?? []).map(Number);
      if (a > 0) return [r, g, b];
    }
    return [255, 255, 255];
  });
  const png = await image.screenshot();
  const data = await decoder.evaluate(async (base64) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const drawing = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
    drawing.drawImage(bitmap, 0, 0);
    return Array.from(drawing.getImageData(0, 0, bitmap.width, bitmap.height).data);
  }, png.toString('base64'));
  const background = luminance(behind);
  let count = 0;
  let total = 0;
  for (let i = 0; i < data.length; i += 4) {
    const l = luminance(data.slice(i, i + 3));
    if ((Math.max(l, background) + 0.05) / (Math.min(l, background) + 0.05) >= 3) count++;
    total++;
  }
  return count / total;
}

/** Each icon under `scope` stands out from its background. */
async function assertContrast(scope: Locator, decoder: Page): Promise<void> {
  const images = await scope.locator('img').all();
  assert.equal(images.length, brands.length);
  for (const [i, image] of images.entries()) {
    const share = await standingOut(image, decoder);
    assert.ok(share >= 0.04, `${brands[i]}: ${Math.round(share * 100)}% of its icon stands out`);
  }
}

/**
 * A picture of an element with a margin of the page around it (none for the whole body), in test/artifacts, and for the README
 * when it is missing or on request (UPDATE_SCREENSHOTS=1).
 */
async function docsPicture(page: Page, selector: string, name: string, margin = 16): Promise<void> {
  const box = await page.locator(selector).boundingBox();
  if (!box) throw new Error(`${selector} is not visible`);
  const clip = {
    x: box.x - margin,
    y: box.y - margin,
    width: box.width + 2 * margin,
    height: box.height + 2 * margin,
  };
  await page.screenshot({ path: artifactPath(name), clip });
  const docs = join(packageRoot, 'docs', name);
  if (process.env.UPDATE_SCREENSHOTS || !existsSync(docs)) await page.screenshot({ path: docs, clip });
}

describe('provider buttons: every preset, with its brand, in the site’s order', () => {
  before(async () => {
    blogServer = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(blogPage());
    });
    await new Promise<void>((resolve) => blogServer.listen(0, '127.0.0.1', resolve));
    blog = `http://localhost:${(blogServer.address() as AddressInfo).port}`;
    gateway = await startGateway({
      listening: await listenOnFreePort(),
      config: {
        sites: {
          blog: {
            name: 'A Blog',
            origins: [blog],
            redirectUris: [`${blog}/callback`],
            guests: { enabled: false },
            providers: order,
          },
        },
        providers,
      },
    });
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--no-sandbox', '--disable-gpu'],
    });
  });
  after(async () => {
    await Promise.all(contexts.map((context) => context.close().catch(() => {})));
    await browser?.close();
    blogServer?.closeAllConnections();
    await new Promise((resolve) => blogServer?.close(resolve));
    await gateway?.close();
  });

  test('the chooser: a visible "Log in with <brand>" link with its icon per provider, light and dark', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const page = await open({ colorScheme });
      const { challenge } = pkce();
      await page.goto(authorizeUrl(gateway, challenge, { redirectUri: `${blog}/callback` }).href);
      // The site takes no guests: no details to fill in.
      assert.equal(await page.locator('p.lead').textContent(), 'Choose how to log in:');
      const links = page.locator('a.provider');
      assert.deepEqual(await links.allInnerTexts(), labels);
      for (const label of labels)
        assert.ok(await page.getByRole('link', { name: label, exact: true }).isVisible());
      await imagesLoaded(page);
      await assertContrast(page.locator('#providers'), page);
      await docsPicture(page, 'main', colorScheme === 'light' ? 'chooser.png' : 'chooser-dark.png');
    }
  });

  test('the widget: a row of icons named "Log in with <brand>", with that tooltip, or labelled buttons on request', async () => {
    const page = await open();
    await page.goto(blog);
    await page.locator('#dark .byline-provider').first().waitFor();
    await imagesLoaded(page);
    for (const id of ['icons', 'labels', 'dark']) {
      const form = page.locator(`#${id}`);
      const buttons = form.locator('.byline-provider');
      assert.deepEqual(
        await buttons.evaluateAll((all) => all.map((button) => button.getAttribute('title'))),
        labels,
        `#${id}: the tooltips, in the site's order`,
      );
      for (const label of labels)
        assert.equal(
          await form.getByRole('button', { name: label, exact: true }).count(),
          1,
          `#${id}: ${label}`,
        );
      const names = form.locator('.byline-provider-name');
      const box = await buttons.first().boundingBox();
      if (id === 'labels') {
        assert.deepEqual(await names.allInnerTexts(), brands, 'the brand names are visible');
        assert.ok(box && box.width > box.height, 'a labelled button is wider than tall');
      } else {
        assert.equal(await names.count(), 0);
        assert.ok(box && box.width === box.height, 'a square icon button');
      }
      await assertContrast(form.locator('.byline-providers'), page);
    }
    await docsPicture(page, 'body', 'widget-providers.png', 0);
  });
});
