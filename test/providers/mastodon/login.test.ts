import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Browser } from '../../support/browser.js';
import { assertSiteError, authorizeUrl, loginCommenter, siteParams } from '../../support/flow.js';
import { startGateway, type TestGateway } from '../../support/gateway.js';
import { mastodonAccount } from '../../support/mastodon-account.js';
import {
  type MastodonDouble,
  type MastodonVersion,
  startMastodonDouble,
} from '../../support/mastodon-double.js';
import { pkce } from '../../support/pkce.js';

/** The pending request id on a chooser page. */
function pendingId(body: string): string {
  const id = /name="ar" value="([^"]+)"/.exec(body)?.[1];
  if (!id) throw new Error(`no pending request on the page: ${body.slice(0, 300)}`);
  return id;
}

/** A reader on the chooser types `handle` into the Mastodon input and submits it (no JavaScript). */
async function loginThroughChooser(gateway: TestGateway, handle: string, browser = new Browser()) {
  const { verifier, challenge } = pkce();
  const chooser = await browser.request(authorizeUrl(gateway, challenge));
  assert.equal(chooser.response.status, 200);
  const form = new URL('/auth/mastodon', gateway.url);
  form.search = new URLSearchParams({ ar: pendingId(chooser.body), login_hint: handle }).toString();
  const hop = await browser.follow(form, {}, (location) => location.startsWith('https://blog.example/'));
  return { browser, verifier, location: hop.location, hop, chooser };
}

const versions: MastodonVersion[] = ['4.2', '4.3', '4.4'];

/** Byline's redirect URI at the instance at `origin`: the callback, tagged with a hash of the origin. */
function redirectUriAt(gateway: TestGateway, origin: string): string {
  const tag = createHash('sha256').update(origin).digest('base64url').slice(0, 12);
  return `${gateway.url}/auth/mastodon/callback?i=${tag}`;
}

describe('mastodon: a reader logs in with their fediverse address', () => {
  const doubles = new Map<MastodonVersion, MastodonDouble>();
  let gateway: TestGateway;

  before(async () => {
    for (const version of versions) doubles.set(version, await startMastodonDouble(version));
    gateway = await startGateway({
      config: {
        providers: { mastodon: { clientName: 'Comments on Test Blog' } },
        http: { allowPrivateUpstreams: true },
      },
    });
  });
  after(async () => {
    await gateway?.close();
    for (const double of doubles.values()) await double.close();
  });

  for (const version of versions) {
    test(`Mastodon ${version}: the chooser's input, one registration, the least scope, the account as the site sees it`, async () => {
      const double = doubles.get(version) as MastodonDouble;
      const host = new URL(double.url).host;
      const login = await loginThroughChooser(gateway, `@alice@${host}`);
      assert.match(login.chooser.body, /<label for="handle-mastodon">Your fediverse address<\/label>/);
      assert.match(
        login.chooser.body,
        /<form class="provider handle" method="get" action="\/auth\/mastodon"/,
      );

      const [app] = double.to('POST', '/api/v1/apps');
      assert.ok(app, 'Byline registered itself');
      const scope = version === '4.2' ? 'read:accounts' : 'profile';
      assert.deepEqual(Object.fromEntries(app.params), {
        client_name: 'Comments on Test Blog',
        redirect_uris: redirectUriAt(gateway, double.url),
        scopes: scope,
        website: gateway.url,
      });
      const [authorize] = double.to('GET', '/oauth/authorize');
      assert.ok(authorize);
      assert.equal(authorize.query.get('scope'), scope);
      assert.equal(authorize.query.get('redirect_uri'), redirectUriAt(gateway, double.url));
      assert.equal(authorize.query.get('client_id'), [...double.apps.keys()][0]);
      // PKCE S256 everywhere: 4.3 and later check it, 4.2 ignores it.
      assert.equal(authorize.query.get('code_challenge_method'), 'S256');
      const [token] = double
        .to('POST', '/oauth/token')
        .filter((r) => r.params.get('grant_type') === 'authorization_code');
      assert.ok(token);
      assert.equal(token.params.get('redirect_uri'), redirectUriAt(gateway, double.url));
      assert.ok(token.params.get('code_verifier'));
      // 4.2 loses apps without a token: Byline takes one app token when it registers there.
      const appTokens = double
        .to('POST', '/oauth/token')
        .filter((r) => r.params.get('grant_type') === 'client_credentials');
      assert.equal(appTokens.length, version === '4.2' ? 1 : 0);
      // verify_credentials gives the account id; /oauth/userinfo's sub is the actor URI, so it is not read.
      assert.equal(double.to('GET', '/api/v1/accounts/verify_credentials').length, 1);
      assert.equal(double.to('GET', '/oauth/userinfo').length, 0);
      assert.equal(double.liveUserTokens(), 0, 'the token was revoked once the account was read');

      const commenter = await loginCommenter(gateway, login);
      assert.equal(commenter.sub, `mastodon:${host}:109348271846154372`);
      assert.equal(commenter.name, 'Alice :blobcat:', 'custom emoji shortcodes stay text');
      assert.equal(commenter.picture, double.reader.avatar);
      assert.equal(commenter.website, `${double.url}/@alice`);
      assert.equal(commenter.emailVerified, false);

      // The next reader of this instance uses the same registration.
      const again = await loginThroughChooser(gateway, host);
      assert.ok(siteParams(again.location).get('code'));
      assert.equal(double.to('POST', '/api/v1/apps').length, 1);
    });
  }

  test('straight from the site: /authorize?idp=mastodon&login_hint=… goes to the instance', async () => {
    const double = doubles.get('4.4') as MastodonDouble;
    const { challenge } = pkce();
    const url = authorizeUrl(gateway, challenge, { idp: 'mastodon' });
    url.searchParams.set('login_hint', `${double.url}/@alice`);
    const hop = await new Browser().request(url);
    assert.equal(hop.response.status, 302);
    const location = new URL(hop.response.headers.get('location') ?? '');
    assert.equal(`${location.origin}${location.pathname}`, `${double.url}/oauth/authorize`);
  });

  test('an instance cannot pass its reader off as someone else’s: the username is on the instance, a foreign profile page dropped', async () => {
    const double = doubles.get('4.4') as MastodonDouble;
    const host = new URL(double.url).host;
    double.reader = mastodonAccount(double.url, {
      id: '13179',
      username: 'gargron',
      acct: 'gargron@mastodon.social',
      url: 'https://mastodon.social/@Gargron',
    });
    try {
      const browser = new Browser();
      const { verifier, challenge } = pkce();
      const url = authorizeUrl(gateway, challenge, { idp: 'mastodon', scope: 'openid profile' });
      url.searchParams.set('login_hint', host);
      const done = await browser.follow(url, {}, (location) => location.startsWith('https://blog.example/'));
      const commenter = await loginCommenter(gateway, { location: done.location, verifier });
      assert.equal(commenter.sub, `mastodon:${host}:13179`);
      assert.equal(commenter.claims.preferred_username, `gargron@${new URL(double.url).hostname}`);
      assert.equal(commenter.website, undefined);
    } finally {
      double.reader = mastodonAccount(double.url);
    }
  });

  test('the widget’s button (idp=mastodon without login_hint) opens the chooser at the input', async () => {
    const { challenge } = pkce();
    const hop = await new Browser().request(authorizeUrl(gateway, challenge, { idp: 'mastodon' }));
    assert.equal(hop.response.status, 200);
    assert.match(hop.body, /<input id="handle-mastodon" name="login_hint"[^>]* autofocus>/);
    assert.doesNotMatch(hop.body, /class="field-error"/);
  });

  test('a display name left empty: the username; an account disabled at its instance (at verify_credentials, or at the token endpoint): access_denied', async () => {
    const double = doubles.get('4.3') as MastodonDouble;
    const host = new URL(double.url).host;
    double.reader = mastodonAccount(double.url, { id: '42', username: 'bob', display_name: '' });
    try {
      const commenter = await loginCommenter(gateway, await loginThroughChooser(gateway, `bob@${host}`));
      assert.equal(commenter.sub, `mastodon:${host}:42`);
      assert.equal(commenter.name, 'bob');
      double.accountError = { status: 403, error: 'Your login is currently disabled' };
      assertSiteError((await loginThroughChooser(gateway, host)).location, 'access_denied');
      delete double.accountError;
      // Akkoma and Pleroma say so at the token endpoint.
      double.tokenRefusal = { error: 'Your account is awaiting approval.', identifier: 'awaiting_approval' };
      assertSiteError((await loginThroughChooser(gateway, host)).location, 'access_denied');
    } finally {
      delete double.accountError;
      delete double.tokenRefusal;
      double.reader = mastodonAccount(double.url);
    }
  });

  test('an instance that forgot Byline’s app: registered again once and the login begun again; not twice', async () => {
    const double = doubles.get('4.2') as MastodonDouble;
    const host = new URL(double.url).host;
    const registered = double.to('POST', '/api/v1/apps').length;
    const callback = `${gateway.url}/auth/mastodon/callback`;
    const toCallback = (location: string) => location.startsWith(callback);
    const toSite = (location: string) => location.startsWith('https://blog.example/');

    // The instance forgets the app between the reader's approval and Byline's code exchange.
    const first = await loginThroughChooserUntil(gateway, host, toCallback);
    double.forgetApps();
    const done = await first.browser.follow(first.location, {}, toSite);
    assert.equal(double.to('POST', '/api/v1/apps').length, registered + 1, 'one new registration');
    const commenter = await loginCommenter(gateway, { location: done.location, verifier: first.verifier });
    assert.equal(commenter.sub, `mastodon:${host}:109348271846154372`);

    // Forgotten again during the login begun again: the site hears of a failure, no loop.
    const second = await loginThroughChooserUntil(gateway, host, toCallback);
    double.forgetApps();
    const restarted = await second.browser.follow(second.location, {}, (l) => toCallback(l) || toSite(l));
    assert.ok(restarted.location && toCallback(restarted.location), 'begun again once');
    double.forgetApps();
    const failed = await second.browser.follow(restarted.location, {}, toSite);
    assertSiteError(failed.location, 'server_error');
  });
});

/** As loginThroughChooser, stopping where `stopAt` says (the redirect to Byline's callback). */
async function loginThroughChooserUntil(
  gateway: TestGateway,
  host: string,
  stopAt: (location: string) => boolean,
) {
  const browser = new Browser();
  const { verifier, challenge } = pkce();
  const chooser = await browser.request(authorizeUrl(gateway, challenge));
  const form = new URL('/auth/mastodon', gateway.url);
  form.search = new URLSearchParams({ ar: pendingId(chooser.body), login_hint: host }).toString();
  const hop = await browser.follow(form, {}, stopAt);
  if (!hop.location)
    throw new Error(`the login did not reach the callback: ${hop.response.status} ${hop.body.slice(0, 200)}`);
  return { browser, verifier, location: hop.location };
}
