import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, test } from 'node:test';
import express from 'express';
import type { ProviderConfigOf } from '../../../src/config/providers-schema.js';
import { createGuardedFetch } from '../../../src/http/guarded-fetch.js';
import { indieauthProvider } from '../../../src/providers/indieauth/indieauth.js';
import { HandleError, type UpstreamProvider } from '../../../src/providers/provider.js';
import type { ProviderContext } from '../../../src/providers/provider-context.js';

import {
  htmlPage,
  type IndieAuthServerDouble,
  linkHeaderPage,
  redirectPage,
  type SiteDouble,
  startIndieAuthServer,
  startSite,
} from '../../support/indieauth-double.js';
import { testProviderContext } from '../../support/provider-context.js';

describe('indieauth provider against a site and a server on loopback', () => {
  let server: IndieAuthServerDouble;
  let other: IndieAuthServerDouble;
  let site: SiteDouble;
  let elsewhere: SiteDouble;
  let byline: Server;
  let publicUrl: string;
  const app = express();

  /** Every fetch of the provider, through the guard as in production (private addresses allowed here). */
  const fetched: string[] = [];
  const guarded = createGuardedFetch({ timeoutMs: 5000, allowPrivate: true });
  const recording: typeof fetch = (input, init) => {
    fetched.push(String(input));
    return guarded(input, init);
  };

  function provider(overrides: Partial<ProviderContext> = {}, email = false): UpstreamProvider {
    const ctx = testProviderContext(
      { url: publicUrl },
      {
        fetch: () => Promise.reject(new Error('indieauth fetches through the guarded fetch only')),
        guardedFetch: recording,
        mount: (router) => app.use(router),
        allowPrivateUpstreams: true,
        ...overrides,
      },
    );
    const config: ProviderConfigOf<'indieauth'> = {
      id: 'indieauth',
      type: 'indieauth',
      name: 'your website',
      email,
    };
    return indieauthProvider(config, ctx);
  }

  /** The reader types `handle`, the server sends the browser back: the callback's parameters. */
  async function authorize(indieauth: UpstreamProvider, handle: string) {
    const started = await indieauth.start({ forceLogin: false, handle });
    assert.ok('url' in started);
    const answer = await fetch(started.url, { redirect: 'manual' });
    const location = answer.headers.get('location');
    assert.ok(location, `the server sends the browser back (${answer.status})`);
    return { started, authorization: new URL(started.url), callback: new URL(location) };
  }

  async function login(indieauth: UpstreamProvider, handle: string) {
    const { started, callback } = await authorize(indieauth, handle);
    return indieauth.finish(callback.searchParams, started.upstream, {} as never);
  }

  before(async () => {
    server = await startIndieAuthServer();
    other = await startIndieAuthServer();
    site = await startSite();
    elsewhere = await startSite();
    byline = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => byline.once('listening', resolve));
    publicUrl = `http://127.0.0.1:${(byline.address() as AddressInfo).port}`;
  });
  after(async () => {
    byline.closeAllConnections();
    await new Promise((resolve) => byline.close(resolve));
    await Promise.all([server.close(), other.close(), site.close(), elsewhere.close()]);
  });
  afterEach(() => {
    fetched.length = 0;
    site.pages.clear();
    elsewhere.pages.clear();
    server.metadata = {};
    server.clients.length = 0;
    for (const double of [server, other, site, elsewhere]) double.requests.length = 0;
  });

  test('metadata found by the Link header: a login with PKCE, state, iss and the profile the server shares', async () => {
    site.pages.set('/', linkHeaderPage([['indieauth-metadata', server.metadataUrl]]));
    server.answer = {
      me: `${site.url}/`,
      profile: {
        name: 'Alice Liddell',
        photo: 'https://alice.example/me.jpg',
        url: 'https://alice.example/',
        email: 'alice@example.org',
      },
    };
    const indieauth = provider();
    const { started, authorization, callback } = await authorize(indieauth, `${site.url}`);
    assert.equal(`${authorization.origin}${authorization.pathname}`, server.authorizationEndpoint);
    const sent = authorization.searchParams;
    assert.equal(sent.get('response_type'), 'code');
    assert.equal(sent.get('client_id'), `${publicUrl}/oauth/indieauth/client-metadata.json`);
    // The callback, tagged for this server (a hash of its authorization endpoint): see mix-up.test.ts.
    const tag = createHash('sha256').update(server.authorizationEndpoint).digest('base64url').slice(0, 12);
    assert.equal(sent.get('redirect_uri'), `${publicUrl}/auth/indieauth/callback?i=${tag}`);
    assert.equal(sent.get('state'), started.upstream.state);
    assert.equal(sent.get('code_challenge_method'), 'S256');
    assert.match(sent.get('code_challenge') ?? '', /^[\w-]{43}$/);
    assert.equal(sent.get('scope'), 'profile', 'the profile alone, no email unless configured');
    assert.equal(sent.get('me'), `${site.url}/`, 'the typed address, canonicalised');
    assert.equal(callback.searchParams.get('iss'), server.issuer);

    // The server read Byline's client metadata document (IndieAuth §4.2.1).
    assert.deepEqual(server.clients, [
      {
        client_id: `${publicUrl}/oauth/indieauth/client-metadata.json`,
        client_name: 'Byline',
        client_uri: `${publicUrl}/`,
        redirect_uris: [`${publicUrl}/auth/indieauth/callback`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      },
    ]);

    const identity = await indieauth.finish(callback.searchParams, started.upstream, {} as never);
    assert.deepEqual(identity, {
      provider: 'indieauth',
      id: `${site.url}/`,
      name: 'Alice Liddell',
      username: site.url.replace('http://', ''),
      emailVerified: false,
      picture: 'https://alice.example/me.jpg',
      website: `${site.url}/`,
    });
    // Redeemed at the authorization endpoint, with the verifier; the home page was read once (the `me`
    // is the page the server was found on, so it is not fetched again) and its body not at all.
    const redeemed = server.to('/auth').filter((r) => r.method === 'POST');
    assert.equal(redeemed.length, 1);
    assert.equal(redeemed[0]?.params.get('grant_type'), 'authorization_code');
    assert.equal(redeemed[0]?.params.get('code_verifier'), started.upstream.codeVerifier);
    assert.equal(redeemed[0]?.params.get('client_id'), sent.get('client_id'));
    assert.equal(redeemed[0]?.params.get('redirect_uri'), sent.get('redirect_uri'));
    assert.equal(server.to('/token').length, 0, 'no token is asked for');
    assert.deepEqual(fetched, [`${site.url}/`, server.metadataUrl, server.authorizationEndpoint]);
  });

  test('with email: true the email scope is asked for and the address comes, never verified', async () => {
    site.pages.set('/', htmlPage([['indieauth-metadata', server.metadataUrl]]));
    server.answer = { me: `${site.url}/`, profile: { name: 'Alice', email: 'alice@example.org' } };
    const { started, authorization, callback } = await authorize(provider({}, true), site.url);
    assert.equal(authorization.searchParams.get('scope'), 'profile email');
    const identity = await provider({}, true).finish(callback.searchParams, started.upstream, {} as never);
    assert.equal(identity.email, 'alice@example.org');
    assert.equal(identity.emailVerified, false);
  });

  test('metadata found by an HTML <link> (relative), after a redirect; the profile URL may be on either host', async () => {
    site.pages.set('/', htmlPage([['indieauth-metadata', server.metadataUrl]]));
    elsewhere.pages.set('/', redirectPage(`${site.url}/`));
    server.answer = { me: `${site.url}/` };
    const identity = await login(provider(), elsewhere.url.replace('http://', 'HTTP://'));
    assert.equal(identity.id, `${site.url}/`);
    assert.equal(identity.name, site.url.replace('http://', ''), 'without a profile: the site');
  });

  test('the Link header wins over the HTML <link>, and the first HTML <link> over later ones', async () => {
    site.pages.set('/', {
      ...htmlPage([
        ['indieauth-metadata', other.metadataUrl],
        ['indieauth-metadata', '/not-this'],
      ]),
      headers: {
        'content-type': 'text/html',
        link: `<https://ignored.example/x>; rel="preload", <${server.metadataUrl}>; rel="indieauth-metadata"`,
      },
    });
    const first = await provider().start({ forceLogin: false, handle: site.url });
    assert.ok('url' in first);
    assert.ok(first.url.startsWith(server.authorizationEndpoint));
    site.pages.set(
      '/',
      htmlPage([
        ['indieauth-metadata', other.metadataUrl],
        ['indieauth-metadata', server.metadataUrl],
      ]),
    );
    const second = await provider().start({ forceLogin: false, handle: site.url });
    assert.ok('url' in second);
    assert.ok(second.url.startsWith(other.authorizationEndpoint));
  });

  test('the earlier rel=authorization_endpoint without metadata: no issuer, so no iss to check', async () => {
    site.pages.set(
      '/',
      htmlPage([
        ['authorization_endpoint', server.authorizationEndpoint],
        ['token_endpoint', `${server.url}/token`],
      ]),
    );
    server.answer = { me: `${site.url}/`, iss: null };
    const identity = await login(provider(), site.url);
    assert.equal(identity.id, `${site.url}/`);
    assert.ok(!fetched.includes(server.metadataUrl));
  });

  test('a profile URL on the same site that declares the same server is accepted after discovering it', async () => {
    site.pages.set('/', htmlPage([['indieauth-metadata', server.metadataUrl]]));
    site.pages.set('/alice', linkHeaderPage([['authorization_endpoint', server.authorizationEndpoint]]));
    server.answer = { me: `${site.url}/alice` };
    const identity = await login(provider(), site.url);
    assert.equal(identity.id, `${site.url}/alice`);
    assert.equal(identity.name, `${site.url.replace('http://', '')}/alice`);
    assert.equal(site.to('/alice').length, 1, 'the profile URL was discovered');
  });

  test('refused: a profile URL on another site, even one declaring the same server', async () => {
    site.pages.set('/', htmlPage([['indieauth-metadata', server.metadataUrl]]));
    elsewhere.pages.set('/', htmlPage([['indieauth-metadata', server.metadataUrl]]));
    server.answer = { me: `${elsewhere.url}/` };
    await assert.rejects(login(provider(), site.url), /on another site/);
    assert.equal(elsewhere.requests.length, 0);
  });

  test('refused: a profile URL whose page declares another server', async () => {
    site.pages.set('/', htmlPage([['indieauth-metadata', server.metadataUrl]]));
    site.pages.set('/bob', htmlPage([['indieauth-metadata', other.metadataUrl]]));
    server.answer = { me: `${site.url}/bob` };
    await assert.rejects(login(provider(), site.url), /declares another server/);
    site.pages.delete('/bob');
    await assert.rejects(login(provider(), site.url), /declares no server/);
  });

  test('refused: an iss that is not the issuer, or none where the metadata promises one', async () => {
    site.pages.set('/', htmlPage([['indieauth-metadata', server.metadataUrl]]));
    server.answer = { me: `${site.url}/`, iss: other.issuer };
    await assert.rejects(login(provider(), site.url), /iss is not the server's issuer/);
    server.answer = { me: `${site.url}/`, iss: null };
    await assert.rejects(login(provider(), site.url), /no iss/);
    assert.equal(server.to('/auth').filter((r) => r.method === 'POST').length, 0, 'no code was redeemed');
    server.metadata = { authorization_response_iss_parameter_supported: undefined };
    const identity = await login(provider(), site.url);
    assert.equal(identity.id, `${site.url}/`, 'without the promise, a callback without iss is accepted');
  });

  test('refused: a server that refuses the code; one whose metadata names another issuer', async () => {
    site.pages.set('/', htmlPage([['indieauth-metadata', server.metadataUrl]]));
    server.answer = { me: `${site.url}/` };
    const { started, callback } = await authorize(provider(), site.url);
    const params = new URLSearchParams(callback.searchParams);
    params.set('code', 'forged');
    await assert.rejects(provider().finish(params, started.upstream, {} as never), /HTTP 400, invalid_grant/);
    server.metadata = { issuer: `${other.url}/` };
    await assert.rejects(
      provider().start({ forceLogin: false, handle: site.url }),
      (error) => error instanceof HandleError && /issuer/.test(error.message),
    );
    server.metadata = { code_challenge_methods_supported: ['plain'] };
    await assert.rejects(
      provider().start({ forceLogin: false, handle: site.url }),
      /does not support PKCE with S256/,
    );
  });

  test('a site that declares no server: a message for the reader', async () => {
    site.pages.set(
      '/',
      htmlPage(
        [],
        '<!-- <link rel="indieauth-metadata" href="/x"> --><script>"<link rel=authorization_endpoint href=/y>"</script>',
      ),
    );
    await assert.rejects(
      provider().start({ forceLogin: false, handle: site.url }),
      (error) =>
        error instanceof HandleError &&
        error.message.includes('names no IndieAuth server') &&
        error.message.includes('rel="indieauth-metadata"'),
    );
  });

  test('input the reader must correct, and sites that cannot be read: messages for the reader', async () => {
    const start = (handle: string | undefined, ctx: Partial<ProviderContext> = {}) =>
      provider(ctx).start({ forceLogin: false, handle });
    const says = (pattern: RegExp) => (error: unknown) =>
      error instanceof HandleError && pattern.test(error.message);
    await assert.rejects(start(''), says(/Type the address of your website/));
    await assert.rejects(start('alice@example.com'), says(/looks like an email address/));
    await assert.rejects(start(`${site.url}/missing`), says(/answered with an error \(HTTP 404\)/));
    site.pages.set('/', redirectPage('/'));
    await assert.rejects(start(site.url), says(/redirects too many times/));
    site.pages.set('/', redirectPage('ftp://alice.example/'));
    await assert.rejects(start(site.url), says(/redirects to an address Byline does not follow/));
  });

  test('a slow page ends within http.upstreamTimeout, a huge one at the cap: messages, not hangs', async () => {
    site.pages.set('/', { ...htmlPage([]), delay: Number.POSITIVE_INFINITY });
    const began = Date.now();
    const says = (pattern: RegExp) => (error: unknown) =>
      error instanceof HandleError && pattern.test(error.message);
    await assert.rejects(
      provider({ upstreamTimeout: 300 }).start({ forceLogin: false, handle: site.url }),
      says(/did not answer in time/),
    );
    assert.ok(Date.now() - began < 3000, `ended after ${Date.now() - began} ms`);
    site.pages.set('/', htmlPage([['indieauth-metadata', server.metadataUrl]], 'x'.repeat(300 * 1024)));
    await assert.rejects(
      provider().start({ forceLogin: false, handle: site.url }),
      says(/its answer is too large/),
    );
  });

  test('without allowPrivateUpstreams: a site on a private address is refused after DNS, and ports and IPs at once', async () => {
    const guard = createGuardedFetch({
      timeoutMs: 2000,
      allowPrivate: false,
      resolve: async (host) => {
        if (host === 'alice.test') return [{ address: '127.0.0.1', family: 4 }];
        throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      },
    });
    const strict = provider({ guardedFetch: guard, allowPrivateUpstreams: false });
    const says = (pattern: RegExp) => (error: unknown) =>
      error instanceof HandleError && pattern.test(error.message);
    const start = (handle: string) => strict.start({ forceLogin: false, handle });
    await assert.rejects(
      start('alice.test'),
      says(/Byline could not read alice\.test: alice\.test is not on the public Internet/),
    );
    await assert.rejects(
      start('nobody.test'),
      says(/Byline could not read nobody\.test: no such site exists/),
    );
    await assert.rejects(start(site.url), says(/must not contain a port/));
    await assert.rejects(start('https://127.0.0.1/'), says(/must name a domain, not an IP address/));
    await assert.rejects(start('intranet'), says(/must name a domain such as alice\.example/));
    assert.equal(site.requests.length, 0);
  });
});
