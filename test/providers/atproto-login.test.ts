import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import { startPds, startPlc, type TestAccount, type TestPds, type TestPlc } from '../support/atproto-pds.js';
import { answerAtPds } from '../support/atproto-reader.js';
import { Browser } from '../support/browser.js';
import { assertSiteError, authorizeUrl, redeemLogin, siteParams } from '../support/flow.js';
import { listenOnFreePort, startGateway, type TestGateway } from '../support/gateway.js';
import { pkce } from '../support/pkce.js';
import { redisStore, removePrefix, uniquePrefix } from '../support/redis.js';

/**
 * Logins through Byline's own endpoints with a real PDS: the site sends the reader to /authorize with
 * idp=atproto and the handle in login_hint, Byline sends them to their PDS, the PDS back to Byline's
 * callback, Byline back to the site with a code. Byline listens on 127.0.0.1, so it is atproto's
 * loopback development client.
 */
let plc: TestPlc;
let pds: TestPds;
let alice: TestAccount;

const atprotoConfig = () => ({
  providers: { atproto: { plcDirectory: plc.url, handleResolver: pds.url } },
  http: { allowPrivateUpstreams: true },
});

before(async () => {
  plc = await startPlc();
  pds = await startPds(plc.url);
  alice = await pds.createAccount('alice', { displayName: 'Alice Liddell' });
});
after(async () => {
  await pds?.close();
  await plc?.close();
});

/**
 * The reader's trip: /authorize on `start` up to the redirect to their PDS, their answer there, and
 * Byline's callback on `finish` (another instance, for the tests of two) up to the redirect to the site.
 */
async function atprotoLogin(
  start: TestGateway,
  handle: string,
  options: { finish?: TestGateway; refuse?: boolean; account?: TestAccount } = {},
) {
  const browser = new Browser();
  const { verifier, challenge } = pkce();
  const url = authorizeUrl(start, challenge, { idp: 'atproto' });
  url.searchParams.set('login_hint', handle);
  const toPds = await browser.follow(url, {}, (location) => location.startsWith(pds.url));
  assert.ok(
    toPds.location,
    `Byline sends the reader to their PDS: ${toPds.response.status} ${toPds.body.slice(0, 300)}`,
  );
  const callback = new URL(await answerAtPds(toPds.location, options.account ?? alice, options));
  assert.equal(`${callback.origin}${callback.pathname}`, `${start.config.publicUrl}/auth/atproto/callback`);
  const at = new URL(`${callback.pathname}${callback.search}`, (options.finish ?? start).url);
  const done = await browser.follow(at, {}, (location) =>
    location.startsWith('https://blog.example/callback'),
  );
  return { browser, verifier, location: done.location, hop: done };
}

describe('atproto logins through Byline', () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startGateway({ config: atprotoConfig() });
  });
  after(() => gateway?.close());

  test('the site gets a code whose token names the DID, the display name and the handle', async () => {
    const login = await atprotoLogin(gateway, 'alice.test');
    const redeemed = await redeemLogin(gateway, login);
    assert.equal(redeemed.status, 200, JSON.stringify(redeemed.body));
    const claims = decodeJwt(redeemed.body.access_token as string);
    assert.equal(claims.sub, `atproto:${alice.did}`);
    assert.equal(claims.idp, 'atproto');
    assert.equal(claims.name, 'Alice Liddell');
    assert.equal(claims.website, `https://bsky.app/profile/${alice.did}`);
  });

  test('a handle nobody has: the chooser again, at the Bluesky input, with what was typed and why (400)', async () => {
    const { challenge } = pkce();
    const url = authorizeUrl(gateway, challenge, { idp: 'atproto' });
    url.searchParams.set('login_hint', 'nobody.test');
    const page = await new Browser().follow(url);
    assert.equal(page.response.status, 400);
    assert.match(page.body, /No account answers to nobody\.test\. Check the handle and try again\./);
    assert.match(page.body, /<input id="handle-atproto" name="login_hint"[^>]* value="nobody\.test"/);
    assert.equal(page.location, undefined, 'no redirect, to the site or anywhere');
  });

  test('a reader who refuses at their PDS: the site gets access_denied', async () => {
    const login = await atprotoLogin(gateway, 'alice.test', { refuse: true });
    assertSiteError(login.location, 'access_denied', { iss: gateway.url });
  });
});

test('two instances on one Redis and one dataDir: a login begun on A is finished by B', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'byline-atproto-multi-'));
  const prefix = uniquePrefix('atproto-multi');
  const listening = await listenOnFreePort();
  const config = atprotoConfig();
  const a = await startGateway({ listening, dataDir, store: redisStore(prefix), config });
  const b = await startGateway({ dataDir, publicUrl: a.url, store: redisStore(prefix), config });
  try {
    const login = await atprotoLogin(a, 'alice.test', { finish: b });
    assert.ok(
      siteParams(login.location).get('code'),
      `B finished the login: ${login.hop.body.slice(0, 300)}`,
    );
    const redeemed = await redeemLogin(a, login);
    assert.equal(redeemed.status, 200, JSON.stringify(redeemed.body));
    assert.equal(decodeJwt(redeemed.body.access_token as string).sub, `atproto:${alice.did}`);
  } finally {
    await Promise.all([a.close(), b.close()]);
    await removePrefix(prefix);
    await rm(dataDir, { recursive: true, force: true });
  }
});
