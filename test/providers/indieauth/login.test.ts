import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { Browser } from '../../support/browser.js';
import { assertSiteError, authorizeUrl, loginCommenter } from '../../support/flow.js';
import { startGateway, type TestGateway } from '../../support/gateway.js';
import {
  htmlPage,
  type IndieAuthServerDouble,
  type SiteDouble,
  startIndieAuthServer,
  startSite,
} from '../../support/indieauth-double.js';
import { pkce } from '../../support/pkce.js';

const toBlog = (location: string) => location.startsWith('https://blog.example/callback');

/** The value of the chooser form's hidden `ar` (the pending authorization request). */
function pendingId(body: string): string {
  const ar = /name="ar" value="([^"]+)"/.exec(body)?.[1];
  assert.ok(ar, 'the chooser carries the pending request');
  return ar;
}

describe('IndieAuth logins through Byline', () => {
  let gateway: TestGateway;
  let server: IndieAuthServerDouble;
  let site: SiteDouble;
  let elsewhere: SiteDouble;

  before(async () => {
    server = await startIndieAuthServer();
    site = await startSite();
    elsewhere = await startSite();
    // The doubles are on loopback: only allowPrivateUpstreams lets Byline fetch them.
    gateway = await startGateway({
      config: { http: { allowPrivateUpstreams: true }, providers: { indieauth: {} } },
    });
  });
  after(async () => {
    await gateway.close();
    await Promise.all([server.close(), site.close(), elsewhere.close()]);
  });
  afterEach(() => {
    site.pages.clear();
    server.clients.length = 0;
    for (const double of [server, site, elsewhere]) double.requests.length = 0;
  });

  test('from the site (idp=indieauth, login_hint): the reader is indieauth:<their URL>, as the server read Byline', async () => {
    site.pages.set('/', htmlPage([['indieauth-metadata', server.metadataUrl]]));
    server.answer = {
      me: `${site.url}/`,
      profile: { name: 'Alice Liddell', photo: 'https://alice.example/me.jpg' },
    };
    const { verifier, challenge } = pkce();
    const url = authorizeUrl(gateway, challenge, { idp: 'indieauth' });
    url.searchParams.set('login_hint', site.url);
    const hop = await new Browser().follow(url, {}, toBlog);
    const commenter = await loginCommenter(gateway, { location: hop.location, verifier });
    assert.equal(commenter.sub, `indieauth:${site.url}/`);
    assert.equal(commenter.idp, 'indieauth');
    assert.equal(commenter.name, 'Alice Liddell');
    assert.equal(commenter.picture, 'https://alice.example/me.jpg');
    assert.equal(commenter.website, `${site.url}/`);
    assert.equal(commenter.emailVerified, false);

    // The server fetched the client metadata document Byline serves under publicUrl.
    const clientId = `${gateway.url}/oauth/indieauth/client-metadata.json`;
    assert.equal(server.clients.length, 1);
    assert.equal(server.clients[0]?.client_id, clientId);
    assert.deepEqual(server.clients[0]?.redirect_uris, [`${gateway.url}/auth/indieauth/callback`]);
    const document = await fetch(clientId);
    assert.equal(document.status, 200);
    assert.match(document.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(document.headers.get('cross-origin-resource-policy'), 'cross-origin');
  });

  test('on the chooser: the labelled input takes a website, and its form begins the login', async () => {
    site.pages.set('/', htmlPage([['indieauth-metadata', server.metadataUrl]]));
    server.answer = { me: `${site.url}/` };
    const browser = new Browser();
    const { verifier, challenge } = pkce();
    const chooser = await browser.follow(authorizeUrl(gateway, challenge));
    assert.equal(chooser.response.status, 200);
    assert.match(chooser.body, /<label for="handle-indieauth">Your website<\/label>/);
    assert.match(chooser.body, /action="\/auth\/indieauth"/);
    // What the form sends (GET, so it works without JavaScript).
    const form = new URL('/auth/indieauth', gateway.url);
    form.search = new URLSearchParams({ ar: pendingId(chooser.body), login_hint: site.url }).toString();
    const hop = await browser.follow(form, {}, toBlog);
    const commenter = await loginCommenter(gateway, { location: hop.location, verifier });
    assert.equal(commenter.sub, `indieauth:${site.url}/`);
    assert.equal(commenter.name, site.url.replace('http://', ''), 'no profile shared: the site names them');
  });

  test('a site that declares no server: the chooser again, at the input, with what was typed and why', async () => {
    site.pages.set('/', htmlPage([['me', 'https://social.example/@alice']]));
    const browser = new Browser();
    const { challenge } = pkce();
    const url = authorizeUrl(gateway, challenge, { idp: 'indieauth' });
    url.searchParams.set('login_hint', site.url);
    const hop = await browser.follow(url);
    assert.equal(hop.response.status, 400);
    assert.match(hop.body, /names no IndieAuth server, so it cannot log you in/);
    assert.match(hop.body, /&lt;link rel=&quot;indieauth-metadata&quot;|&lt;link rel="indieauth-metadata"/);
    assert.match(hop.body, new RegExp(`id="handle-indieauth"[^>]*value="${site.url}"`));
    assert.match(hop.body, /id="handle-indieauth"[^>]*aria-invalid="true"/);
    assert.equal(server.requests.length, 0);
  });

  test("a server's answer Byline refuses (a profile URL on another site) reaches the site as server_error", async () => {
    site.pages.set('/', htmlPage([['indieauth-metadata', server.metadataUrl]]));
    elsewhere.pages.set('/', htmlPage([['indieauth-metadata', server.metadataUrl]]));
    server.answer = { me: `${elsewhere.url}/` };
    const { challenge } = pkce();
    const url = authorizeUrl(gateway, challenge, { idp: 'indieauth' });
    url.searchParams.set('login_hint', site.url);
    const hop = await new Browser().follow(url, {}, toBlog);
    assertSiteError(hop.location, 'server_error');
  });
});
