import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, get as httpGet } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import express from 'express';
import { parse } from 'yaml';
import { packageRoot } from '../../src/config/load.js';
import { demoRouter } from '../../src/demo/router.js';
import { Browser } from '../support/browser.js';
import { listenOnFreePort, startGateway, startShippedDefault, type TestGateway } from '../support/gateway.js';

let gateway: TestGateway;

before(async () => {
  // The shipped default config, moved from the fixed port 3000 to a free one.
  const listening = await listenOnFreePort();
  const text = readFileSync(join(packageRoot, 'config', 'default.yaml'), 'utf8').replaceAll(
    'http://localhost:3000',
    listening.url,
  );
  const { publicUrl: _, listen: __, dataDir: ___, ...config } = parse(text) as Record<string, unknown>;
  gateway = await startGateway({ listening, config });
});
after(() => gateway.close());

/** A guest token for the demo site, as the widget would get it. */
async function guestToken(name = 'Demo Guest'): Promise<string> {
  const response = await fetch(`${gateway.url}/guest`, {
    method: 'POST',
    headers: { origin: gateway.url, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: 'demo', name, email: 'guest@example.com' }).toString(),
  });
  assert.equal(response.status, 200);
  return ((await response.json()) as { access_token: string }).access_token;
}

function postComment(url: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

test('the demo post embeds the widget the way a third-party blog would, under Byline’s CSP', async () => {
  const post = await new Browser().request(`${gateway.url}/demo`);
  assert.equal(post.response.status, 200);
  assert.match(post.body, /Selling Collaboration: choose your customers wisely/);
  assert.match(
    post.body,
    /<form id="commentform"[^>]* method="post" action="\/demo\/api\/comments" data-byline-site="demo">/,
  );
  assert.match(post.body, /<textarea id="comment" name="comment"/);
  assert.ok(post.body.includes(`<script src="${gateway.url}/widget.js" defer></script>`));
  // No inline script or style: the page works under the strict CSP Byline serves it with.
  assert.doesNotMatch(post.body, /<script(?![^>]*\bsrc=)[^>]*>/);
  assert.doesNotMatch(post.body, /<style|style="/);
  assert.match(post.response.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  // The popup must keep window.opener: same-origin COOP would cut it.
  assert.equal(post.response.headers.get('cross-origin-opener-policy'), 'same-origin-allow-popups');
});

test('the example backend takes a comment only with a commenter token, and lists it', async () => {
  const refused = await postComment(`${gateway.url}/demo/api/comments`, { comment: 'no token' });
  assert.equal(refused.status, 401);
  assert.equal(refused.headers.get('www-authenticate'), 'Bearer');
  const forged = await postComment(`${gateway.url}/demo/api/comments`, {
    comment: 'x',
    byline_token: 'a.b.c',
  });
  assert.equal(forged.status, 401);

  const token = await guestToken('Margaret Hamilton');
  const accepted = await postComment(`${gateway.url}/demo/api/comments`, {
    comment: 'First!\n\n<script>alert(1)</script>',
    byline_token: token,
  });
  assert.equal(accepted.status, 303);
  assert.match(accepted.headers.get('location') ?? '', /^\/demo#comment-\d+$/);
  const page = await (await fetch(`${gateway.url}/demo`)).text();
  assert.match(
    page,
    /<b class="comment-author">Margaret Hamilton<\/b> <span class="comment-via">\(guest\)<\/span>/,
  );
  assert.match(page, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(page, /<img class="avatar" src="https:\/\/gravatar.com\/avatar\/[0-9a-f]{64}\?d=identicon"/);

  const json = await postComment(
    `${gateway.url}/demo/api/comments`,
    { comment: 'By fetch' },
    { authorization: `Bearer ${token}`, accept: 'application/json' },
  );
  assert.equal(json.status, 201);
  assert.equal(((await json.json()) as { name: string }).name, 'Margaret Hamilton');

  const empty = await postComment(`${gateway.url}/demo/api/comments`, { comment: '  ', byline_token: token });
  assert.equal(empty.status, 400);
});

test('the demo keeps a bounded number of comments', async () => {
  const app = express().use(
    '/demo',
    demoRouter({ issuer: gateway.url, site: { id: 'demo', name: 'Demo' }, maxComments: 2 }),
  );
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const token = await guestToken();
    for (const comment of ['one', 'two', 'three'])
      assert.equal(
        (await postComment(`${url}/demo/api/comments`, { comment, byline_token: token })).status,
        303,
      );
    const page = await (await fetch(`${url}/demo`)).text();
    assert.doesNotMatch(page, /<p>one<\/p>/);
    assert.match(page, /<p>two<\/p>.*<p>three<\/p>/s);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('a comment says when, in words relative to the page view, in a <time> with the full date', async () => {
  let now = Date.parse('2026-12-06T03:32:04Z');
  const app = express().use(
    '/demo',
    demoRouter({ issuer: gateway.url, site: { id: 'demo', name: 'Demo' }, now: () => now }),
  );
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const posted = await postComment(`${url}/demo/api/comments`, {
      comment: 'When was this?',
      byline_token: await guestToken('Grace Hopper'),
    });
    assert.equal(posted.status, 303);
    const time = async () => /<time [^>]*>[^<]*<\/time>/.exec(await (await fetch(`${url}/demo`)).text())?.[0];
    const stamp = 'datetime="2026-12-06T03:32:04.000Z" title="December 6, 2026 at 3:32:04 AM UTC"';
    assert.equal(await time(), `<time ${stamp}>now</time>`);
    now += 5 * 60_000 + 30_000;
    assert.equal(await time(), `<time ${stamp}>5 minutes ago</time>`);
    now += 86_400_000;
    assert.equal(await time(), `<time ${stamp}>yesterday</time>`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('/demo/callback is a page that loads the widget to finish a redirect login', async () => {
  const page = await new Browser().request(`${gateway.url}/demo/callback?code=x&state=y`);
  assert.equal(page.response.status, 200);
  assert.ok(page.body.includes(`<script src="${gateway.url}/widget.js" defer></script>`));
  assert.match(page.body, /href="\/demo">Back to the post/);
  assert.equal(page.response.headers.get('referrer-policy'), 'no-referrer');
});

test('the landing page links the demo and discovery', async () => {
  const page = await new Browser().request(`${gateway.url}/`);
  assert.match(page.body, /href="\/demo"/);
  assert.match(page.body, /openid-configuration/);
});

/** A GET with a Host header of our choosing (fetch does not let a caller set Host). */
function getWithHost(url: string, host: string): Promise<{ status: number; location?: string }> {
  return new Promise((resolve, reject) => {
    const request = httpGet(url, { headers: { host } }, (response) => {
      response.resume();
      resolve({ status: response.statusCode ?? 0, location: response.headers.location });
    });
    request.on('error', reject);
  });
}

test('the demo pages’ CSP names Byline’s origin for the widget, its styles, its calls and its icons', async () => {
  // A blog on another origin that mounts the demo router, with Byline as the issuer: 'self' is not Byline.
  const app = express().use('/demo', demoRouter({ issuer: gateway.url, site: { id: 'demo', name: 'Demo' } }));
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const blog = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    for (const url of [`${gateway.url}/demo`, `${gateway.url}/demo/callback`, `${blog}/demo`]) {
      const response = await fetch(url);
      assert.equal(response.status, 200, url);
      const policy = response.headers.get('content-security-policy') ?? '';
      for (const directive of ['script-src', 'style-src', 'connect-src', 'img-src'])
        assert.match(
          policy,
          new RegExp(`(^|; )${directive} 'self' ${gateway.url}( |;|$)`),
          `${url}: ${directive}`,
        );
      assert.match(policy, /frame-ancestors 'none'/);
    }
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('the demo under another loopback name than publicUrl’s', () => {
  let local: TestGateway;
  let port: number;
  before(async () => {
    const shipped = await startShippedDefault();
    local = shipped;
    port = shipped.port;
  });
  after(() => local?.close());

  test('a reader who typed 127.0.0.1 is redirected to the same demo page at publicUrl', async () => {
    for (const path of ['/demo', '/demo/?utm=x', '/demo/callback?code=c&state=s']) {
      const response = await fetch(`http://127.0.0.1:${port}${path}`, { redirect: 'manual' });
      assert.equal(response.status, 302, path);
      assert.equal(response.headers.get('location'), `http://localhost:${port}${path}`);
    }
  });

  test('at publicUrl’s own name the demo page is served', async () => {
    const response = await getWithHost(`http://127.0.0.1:${port}/demo`, `localhost:${port}`);
    assert.equal(response.status, 200);
  });

  test('the rest of Byline is not redirected, nor are the demo’s comment posts', async () => {
    const healthz = await fetch(`http://127.0.0.1:${port}/healthz`, { redirect: 'manual' });
    assert.equal(healthz.status, 200);
    const post = await postComment(`http://127.0.0.1:${port}/demo/api/comments`, { comment: 'x' });
    assert.equal(post.status, 401, 'answered (without a token), not redirected');
  });

  test('a host name that is not loopback (a proxy’s rewrite) or another port is not redirected', async () => {
    const proxied = await getWithHost(`http://127.0.0.1:${port}/demo`, `byline.internal:${port}`);
    assert.equal(proxied.status, 200);
    const otherPort = await getWithHost(`http://127.0.0.1:${port}/demo`, `127.0.0.1:${port + 1}`);
    assert.equal(otherPort.status, 200);
  });
});
