import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MemoryStore } from '../../../src/store/memory.js';
import { Browser } from '../../support/browser.js';
import { type DoubleServer, sendJson, startDoubleServer } from '../../support/double-http.js';
import { assertSiteError, authorizeUrl, loginCommenter } from '../../support/flow.js';
import { startGateway, type TestGateway } from '../../support/gateway.js';
import { mastodonAccount } from '../../support/mastodon-account.js';
import { type MastodonDouble, startMastodonDouble } from '../../support/mastodon-double.js';
import { pkce } from '../../support/pkce.js';

const toSite = (location: string) => location.startsWith('https://blog.example/');

/** `/authorize?idp=mastodon&login_hint=<host>` in `browser`: where Byline sends it (an instance's authorize URL). */
async function begin(gateway: TestGateway, browser: Browser, host: string) {
  const { verifier, challenge } = pkce();
  const url = authorizeUrl(gateway, challenge, { idp: 'mastodon' });
  url.searchParams.set('login_hint', host);
  const hop = await browser.request(url);
  assert.equal(hop.response.status, 302, hop.body.slice(0, 300));
  return { verifier, authorize: new URL(hop.response.headers.get('location') ?? '') };
}

/**
 * The mix-up of issue 16's review: one callback URL for every instance, no `iss` in Mastodon's callbacks and
 * PKCE only where the metadata listed it let an attacker's instance E bounce a victim to the attacker's own
 * instance H (Byline's client id there, the victim's state), receive H's code at E's token endpoint, and
 * replay it through the attacker's own login at H: logged in as the victim. Each instance now has its own
 * redirect URI, and a callback through another instance's is refused before any code is redeemed.
 */
describe('mastodon: a code from one instance never reaches another (mix-up)', () => {
  let honest: MastodonDouble;
  let evil: DoubleServer;
  let gateway: TestGateway;
  /** What E does with the victim's authorization request: forward it to H, with this redirect URI. */
  let bounceWith: (byline: string) => string;
  /** H's client id for Byline, which the attacker learns from a login of their own at H. */
  let clientIdAtH = '';
  /** Codes that reached E's token endpoint. */
  const stolen: string[] = [];

  before(async () => {
    // Mastodon 4.2: no metadata, so before the fix no PKCE either.
    honest = await startMastodonDouble('4.2');
    honest.reader = mastodonAccount(honest.url, { id: '4242', username: 'victim', display_name: 'Victim' });
    evil = await startDoubleServer((_req, recorded, res) => {
      if (recorded.method === 'POST' && recorded.path === '/api/v1/apps')
        return sendJson(res, 200, { client_id: 'e-id', client_secret: 'e-secret' });
      if (recorded.path === '/oauth/authorize') {
        const to = new URL('/oauth/authorize', honest.url);
        for (const name of ['response_type', 'scope', 'state', 'code_challenge', 'code_challenge_method'])
          to.searchParams.set(name, recorded.query.get(name) ?? '');
        to.searchParams.set('client_id', clientIdAtH);
        to.searchParams.set('redirect_uri', bounceWith(recorded.query.get('redirect_uri') ?? ''));
        return res.writeHead(302, { location: to.href }).end();
      }
      if (recorded.method === 'POST' && recorded.path === '/oauth/token') {
        // (Byline also takes an app token here at registration, as from any instance without metadata.)
        if (recorded.params.get('grant_type') === 'authorization_code')
          stolen.push(recorded.params.get('code') ?? '');
        return sendJson(res, 400, { error: 'invalid_grant' });
      }
      res.writeHead(404, { 'content-type': 'text/html' }).end('nope');
    });
    gateway = await startGateway({
      config: { providers: { mastodon: {} }, http: { allowPrivateUpstreams: true } },
    });
  });
  after(async () => {
    await gateway?.close();
    await evil?.close();
    await honest?.close();
  });

  /** The attacker begins a login at H in their own browser and keeps its transaction. */
  async function attackerAtH() {
    const attacker = new Browser();
    const { verifier, authorize } = await begin(gateway, attacker, new URL(honest.url).host);
    clientIdAtH = authorize.searchParams.get('client_id') ?? '';
    return { attacker, verifier, authorize, state: authorize.searchParams.get('state') ?? '' };
  }

  test('E forwards Byline’s redirect URI for E: H refuses it (registered for E only) and issues no code', async () => {
    await attackerAtH();
    bounceWith = (byline) => byline;
    const codesBefore = honest.to('POST', '/oauth/token').length;
    const victim = new Browser();
    const { authorize } = await begin(gateway, victim, new URL(evil.url).host);
    assert.equal(authorize.origin, evil.url);
    assert.equal(
      authorize.searchParams.get('code_challenge_method'),
      'S256',
      'PKCE, though E lists no metadata',
    );
    const hop = await victim.follow(authorize, {}, toSite);
    assert.equal(hop.response.status, 400, 'H’s page: the redirect URI is not valid');
    assert.match(hop.body, /redirect uri included is not valid/);
    assert.equal(hop.location, undefined);
    assert.deepEqual(stolen, []);
    assert.equal(honest.to('POST', '/oauth/token').length, codesBefore);
  });

  test('E swaps in H’s redirect URI (known from the attacker’s own login): Byline refuses the callback, E gets nothing to replay', async () => {
    const mine = await attackerAtH();
    const atH = mine.authorize.searchParams.get('redirect_uri') ?? '';
    bounceWith = () => atH;
    const victim = new Browser();
    const { authorize } = await begin(gateway, victim, new URL(evil.url).host);
    const done = await victim.follow(authorize, {}, toSite);
    assertSiteError(done.location, 'server_error');
    assert.deepEqual(stolen, [], 'no code reached E');
    assert.equal(
      honest.to('POST', '/oauth/token').filter((r) => r.params.get('grant_type') === 'authorization_code')
        .length,
      0,
      'H’s code for the victim was never redeemed',
    );

    // The attacker's own login still works, as themself (H's reader is whoever approves there).
    honest.reader = mastodonAccount(honest.url, { id: '666', username: 'mallory' });
    const own = await mine.attacker.follow(mine.authorize, {}, toSite);
    const commenter = await loginCommenter(gateway, { location: own.location, verifier: mine.verifier });
    assert.equal(commenter.sub, `mastodon:${new URL(honest.url).host}:666`);
    honest.reader = mastodonAccount(honest.url, { id: '4242', username: 'victim', display_name: 'Victim' });
  });
});

describe('mastodon: registrations from before per-instance redirect URIs', () => {
  test('a stored registration with the shared callback is replaced by one with the instance’s own', async () => {
    const double = await startMastodonDouble('4.3');
    const store = new MemoryStore({ clock: { now: () => Date.now() } });
    const gateway = await startGateway({
      store,
      config: { providers: { mastodon: {} }, http: { allowPrivateUpstreams: true } },
    });
    try {
      await store.set(
        `mastodon:mastodon:app:${double.url}`,
        {
          clientId: 'old-client',
          clientSecret: 'old-secret',
          redirectUri: `${gateway.url}/auth/mastodon/callback`,
          server: {
            authorization: `${double.url}/oauth/authorize`,
            token: `${double.url}/oauth/token`,
            registration: `${double.url}/api/v1/apps`,
            scope: 'profile',
            metadata: true,
          },
        },
        60_000,
      );
      const browser = new Browser();
      const { verifier, authorize } = await begin(gateway, browser, new URL(double.url).host);
      assert.equal(double.to('POST', '/api/v1/apps').length, 1, 'registered anew');
      const [clientId] = [...double.apps.keys()];
      assert.equal(authorize.searchParams.get('client_id'), clientId);
      assert.match(
        authorize.searchParams.get('redirect_uri') ?? '',
        /\/auth\/mastodon\/callback\?i=[\w-]{12}$/,
      );
      const done = await browser.follow(authorize, {}, toSite);
      const commenter = await loginCommenter(gateway, { location: done.location, verifier });
      assert.equal(commenter.sub, `mastodon:${new URL(double.url).host}:109348271846154372`);
    } finally {
      await gateway.close();
      await double.close();
    }
  });
});
