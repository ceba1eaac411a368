import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LoginRecord } from '../../../src/oauth/login/records.js';
import type { LiveLogin } from '../../../src/oauth/login/sessions.js';
import { signInBrowser } from '../../../src/oauth/login/sign-in.js';
import { storeKeys } from '../../../src/oauth/login/store-keys.js';
import { browserWithSession, devTokens, logoutForm, postLogout } from '../../support/flow.js';
import { startGateway, type TestGateway, trustedPublicSite } from '../../support/gateway.js';
import { userinfoStatus } from '../../support/tokens.js';

let gateway: TestGateway;
before(async () => {
  gateway = await startGateway({ config: { sites: { public: trustedPublicSite } } });
});
after(() => gateway.close());

/** The login a `byline_session` cookie value names, read as a callback reads it. */
async function liveLogin(cookie: string): Promise<LiveLogin> {
  const id = cookie.slice(0, cookie.indexOf('.'));
  const read = await gateway.store.getVersioned<LoginRecord>(storeKeys.login(id));
  assert.ok(read, 'the login is stored');
  return { id, session: read.value, version: read.version };
}

/**
 * Two tabs of one browser that finish logins at once: both callbacks read the login the browser held
 * before either replaced it. Each new login gets a site session, through its own cookie.
 */
async function twoTabsAtOnce() {
  const { browser, tokens: before } = await devTokens(gateway, { site: 'public' });
  const held = await liveLogin(browser.cookie('byline_session') as string);
  const identity = held.session.identity;
  const first = await signInBrowser(gateway.ctx, identity, held);
  const second = await signInBrowser(gateway.ctx, identity, held);
  const tab = async (login: { id: string; browser: string }) => {
    const tabBrowser = browserWithSession(gateway, `${login.id}.${login.browser}`);
    const { tokens } = await devTokens(gateway, { browser: tabBrowser, site: 'public' });
    return { browser: tabBrowser, tokens };
  };
  return { before, first: await tab(first), second: await tab(second) };
}

async function logOut(browser: ReturnType<typeof browserWithSession>) {
  const { csrf } = await logoutForm(gateway, browser);
  const done = await postLogout(gateway, browser, { csrf: csrf as string });
  assert.equal(done.response.status, 200);
}

describe('two tabs finishing logins at once', () => {
  test('the logout of the login that replaced the old one first also ends the other', async () => {
    const { before, first, second } = await twoTabsAtOnce();
    assert.equal(await userinfoStatus(gateway, second.tokens.access_token), 200);
    await logOut(first.browser);
    assert.equal(await userinfoStatus(gateway, first.tokens.access_token), 401);
    assert.equal(await userinfoStatus(gateway, second.tokens.access_token), 401, 'the other tab’s login');
    assert.equal(await userinfoStatus(gateway, before.access_token), 401, 'the login both replaced');
  });

  test('the logout of the login that replaced it second also ends the first', async () => {
    const { before, first, second } = await twoTabsAtOnce();
    assert.equal(await userinfoStatus(gateway, first.tokens.access_token), 200);
    await logOut(second.browser);
    assert.equal(await userinfoStatus(gateway, second.tokens.access_token), 401);
    assert.equal(await userinfoStatus(gateway, first.tokens.access_token), 401, 'the other tab’s login');
    assert.equal(await userinfoStatus(gateway, before.access_token), 401, 'the login both replaced');
  });

  test('a login replaced once ends only its own chain: another reader of the same browser is untouched', async () => {
    const { tokens: bystander } = await devTokens(gateway, { site: 'public', name: 'Bystander' });
    const { first } = await twoTabsAtOnce();
    await logOut(first.browser);
    assert.equal(await userinfoStatus(gateway, bystander.access_token), 200);
  });
});
