import { accessSync, constants, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import express from 'express';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
  type Request,
} from 'playwright-core';
import { packageRoot } from '../../src/config/load.js';
import { demoRouter } from '../../src/demo/router.js';
import type { Resolve } from '../../src/http/guarded-fetch.js';
import { listenOnFreePort, startGateway, type TestGateway } from '../support/gateway.js';
import { startWordPressDouble } from '../support/wordpress-double.js';

/** The Chromium the browser tests drive: `BYLINE_CHROMIUM`, or Debian's. */
export const chromiumPath = process.env.BYLINE_CHROMIUM || '/usr/bin/chromium';

function runnable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Throws, with the line that installs it, when there is no Chromium to run: never a skip. */
export function requireChromium(): void {
  if (!runnable(chromiumPath))
    throw new Error(
      `the browser tests need Chromium at ${chromiumPath}: install it with \`apt-get install chromium\` (as root), or set BYLINE_CHROMIUM to its path`,
    );
}

/** The suite's Chromium: headless, without network extras, and blocking third-party cookies. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--test-third-party-cookie-phaseout',
    ],
  });
}

/**
 * Byline on http://127.0.0.1:A and a blog on http://localhost:B — two sites, so everything the widget
 * does runs cross-site, in a Chromium that blocks third-party cookies. The blog is the demo router
 * (the example backend, using only byline-gateway/verify) mounted on an app of its own, as a real blog
 * would host it. Byline also serves its own /demo, same-origin, under its CSP.
 */
export interface Scene {
  gateway: TestGateway;
  /** The blog's origin (localhost). */
  blog: string;
  browser: Browser;
  /**
   * A new context of the browser, 820×1000 unless `options` say otherwise, where Gravatar is unreachable;
   * the scene closes it.
   */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  /** A new page of `context` at the blog's `path`, once the widget shows its providers. */
  openBlog(context: BrowserContext, path?: string): Promise<Page>;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

export interface SceneOptions {
  /** false makes the demo site one whose readers are asked once before it learns who they are. */
  trusted?: boolean;
  /** The demo site's guest rules, over `enabled`, `requireEmail` and `requireName` (all true). */
  guests?: Record<string, unknown>;
  /** The config's smtp block (for guests who verify their address). */
  smtp?: { url: string; from: string };
  /** More providers for the demo site, after wordpress and dev (a mastodon block, say). */
  providers?: Record<string, unknown>;
  /** The config's http block (`allowPrivateUpstreams` for a handle provider's double on loopback). */
  http?: Record<string, unknown>;
  /** DNS for hosts that readers name: the test's own names, so none reaches the network. */
  resolve?: Resolve;
}

export async function startScene(options: SceneOptions = {}): Promise<Scene> {
  requireChromium();
  const listening = await listenOnFreePort();
  const wordpress = await startWordPressDouble();
  wordpress.register(`${listening.url}/auth/wordpress/callback`);
  const blogServer = createServer();
  const blog = `http://localhost:${await listen(blogServer)}`;
  const gateway = await startGateway({
    listening,
    ...(options.resolve ? { resolve: options.resolve } : {}),
    config: {
      sites: {
        demo: {
          name: 'Demo Blog',
          origins: [blog, listening.url],
          redirectUris: [`${blog}/demo/callback`, `${listening.url}/demo/callback`],
          postLogoutRedirectUris: [`${blog}/demo`],
          guests: { enabled: true, requireEmail: true, requireName: true, ...options.guests },
          // As config/default.yaml's demo: the admin's own blog, whose readers are not asked to consent.
          trusted: options.trusted ?? true,
        },
      },
      providers: {
        wordpress: {
          clientId: wordpress.clientId,
          clientSecret: wordpress.clientSecret,
          endpoints: wordpress.endpoints,
        },
        dev: { type: 'dev' },
        ...options.providers,
      },
      demo: { enabled: true },
      ...(options.smtp ? { smtp: options.smtp } : {}),
      ...(options.http ? { http: options.http } : {}),
    },
  });
  const app = express();
  app.use('/demo', demoRouter({ issuer: gateway.url, site: { id: 'demo', name: 'Demo Blog' } }));
  blogServer.on('request', app);
  const browser = await launchChromium();
  const contexts: BrowserContext[] = [];
  return {
    gateway,
    blog,
    browser,
    async newContext(options) {
      const context = await browser.newContext({ viewport: { width: 820, height: 1000 }, ...options });
      contexts.push(context);
      // No test reaches the real Gravatar: it is unreachable, unless a test routes it to an answer.
      await context.route('https://gravatar.com/**', (route) => route.abort('internetdisconnected'));
      return context;
    },
    async openBlog(context, path = '/demo') {
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      await page.goto(`${blog}${path}`);
      await page.locator('.byline-providers').waitFor();
      return page;
    },
    async close() {
      await Promise.all(contexts.map((context) => context.close().catch(() => {})));
      await browser.close();
      blogServer.closeAllConnections();
      await new Promise((resolve) => blogServer.close(resolve));
      await gateway.close();
      await wordpress.close();
    },
  };
}

/**
 * Records every request the blog page itself makes to Byline (the popup is another page and may carry
 * Byline's first-party cookies; the blog page must never). Top-level navigations of the page (the
 * redirect fallback) are first-party and not counted.
 */
export function watchRequests(page: Page, gatewayUrl: string) {
  const seen: Promise<{ url: string; type: string; cookie: string | undefined }>[] = [];
  page.on('request', (request: Request) => {
    if (!request.url().startsWith(gatewayUrl) || request.isNavigationRequest()) return;
    seen.push(
      request
        .allHeaders()
        .then((headers) => ({ url: request.url(), type: request.resourceType(), cookie: headers.cookie })),
    );
  });
  return {
    all: () => Promise.all(seen),
    async withCookies() {
      return (await Promise.all(seen)).filter((request) => request.cookie !== undefined);
    },
  };
}

/**
 * Clicks a button that opens the login popup; resolves with the popup and a promise of its closing
 * (listened to from the start, so a popup that closes at once is not missed).
 */
export async function openPopup(context: BrowserContext, page: Page, button: string) {
  const [popup] = await Promise.all([
    context.waitForEvent('page'),
    page.getByRole('button', { name: button }).click(),
  ]);
  const closed = popup.isClosed() ? Promise.resolve() : popup.waitForEvent('close').then(() => {});
  return { popup, closed };
}

/** Logs in through the popup with the dev provider; resolves once the popup has closed. */
export async function popupLogin(context: BrowserContext, page: Page, name: string): Promise<void> {
  const { popup, closed } = await openPopup(context, page, 'Log in with Dev login');
  await devForm(popup, name);
  await closed;
}

/** Fills the dev provider's login form and waits for the page (a popup) to close or navigate on. */
export async function devForm(page: Page, name: string): Promise<void> {
  await page.locator('input[name="name"]').fill(name);
  await page.getByRole('button', { name: 'Log in' }).click();
}

export function artifactPath(name: string): string {
  const dir = join(packageRoot, 'test', 'artifacts');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}
