import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import { packageRoot } from '../../src/config/load.js';
import { Browser, findLink, formAction } from '../support/browser.js';
import { listenOnFreePort, startGateway, type TestGateway } from '../support/gateway.js';

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

test('with the default config a reader logs in on the demo post through the chooser and the dev provider', async () => {
  const browser = new Browser();
  const post = await browser.request(`${gateway.url}/demo`);
  assert.equal(post.response.status, 200);
  assert.match(post.body, /Leave a Reply/);
  assert.match(post.body, /href="\/demo\/login"/);

  const chooser = await browser.follow(`${gateway.url}/demo/login`);
  assert.match(chooser.body, /Log in to comment on Demo Blog/);
  const login = await browser.follow(new URL(findLink(chooser.body, '/auth/dev') as string, gateway.url));
  const action = formAction(login.body) as string;
  assert.match(login.body, /type any name/i);
  const back = await browser.submit(new URL(action, login.url), { name: 'Demo Reader', email: '' });
  assert.equal(back.url, `${gateway.url}/demo`);
  assert.match(back.body, /You are commenting as <strong>Demo Reader<\/strong>/);
  assert.match(back.body, /dev:demo-reader/);
});

test('the landing page links the demo and discovery', async () => {
  const page = await new Browser().request(`${gateway.url}/`);
  assert.match(page.body, /href="\/demo"/);
  assert.match(page.body, /openid-configuration/);
});
