import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { after, before, describe, test } from 'node:test';
import { Browser, type Hop } from '../../support/browser.js';
import { type DoubleServer, sendJson, startDoubleServer } from '../../support/double-http.js';
import { authorizeUrl } from '../../support/flow.js';
import { type GatewayOptions, startGateway, type TestGateway } from '../../support/gateway.js';
import { type MastodonDouble, startMastodonDouble } from '../../support/mastodon-double.js';
import { pkce } from '../../support/pkce.js';

/** Names these tests resolve themselves (no real DNS): anything else is ENOTFOUND. */
const names: Record<string, string[]> = {
  'loopback.test': ['127.0.0.1'],
  'private.test': ['10.20.30.40'],
  'metadata.test': ['169.254.169.254'],
  'v6-loopback.test': ['::1'],
  'cgnat.test': ['100.64.1.2'],
};
async function resolve(hostname: string): Promise<LookupAddress[]> {
  const addresses = names[hostname];
  if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
}

/** The chooser's answer to a handle typed into the Mastodon input (no JavaScript). */
async function typeHandle(gateway: TestGateway, handle: string): Promise<Hop> {
  const browser = new Browser();
  const { challenge } = pkce();
  const chooser = await browser.request(authorizeUrl(gateway, challenge));
  const ar = /name="ar" value="([^"]+)"/.exec(chooser.body)?.[1] ?? '';
  const form = new URL('/auth/mastodon', gateway.url);
  form.search = new URLSearchParams({ ar, login_hint: handle }).toString();
  return browser.request(form);
}

/** The message at the Mastodon input, with the typed handle kept and the input marked invalid. */
function inputError(hop: Hop, typed: string): string {
  assert.match(hop.body, /<input id="handle-mastodon"[^>]* aria-invalid="true" autofocus>/);
  const value = /<input id="handle-mastodon"[^>]* value="([^"]*)"/.exec(hop.body)?.[1];
  assert.equal(value?.replace(/&amp;/g, '&').replace(/&#39;/g, "'"), typed);
  assert.match(hop.body, /<form class="provider handle"[^>]* data-failed>/);
  return (/<p class="field-error" id="handle-mastodon-error">([^<]*)<\/p>/.exec(hop.body)?.[1] ?? '').replace(
    /&#39;/g,
    "'",
  );
}

function gatewayWith(
  options: GatewayOptions & { mastodon?: Record<string, unknown>; http?: Record<string, unknown> },
) {
  const { mastodon = {}, http = {}, ...rest } = options;
  return startGateway({
    ...rest,
    config: { providers: { mastodon }, http, ...rest.config },
  });
}

describe('mastodon: handles that begin no login are explained at the input, never a 500, never a hang', () => {
  let double: MastodonDouble;
  let host: string;
  before(async () => {
    double = await startMastodonDouble('4.4');
    host = new URL(double.url).host;
  });
  after(() => double.close());

  test('without allowPrivateUpstreams: loopback, private, link-local, CGNAT and IPv6 loopback are refused, by address or after DNS', async () => {
    const gateway = await gatewayWith({ resolve });
    try {
      for (const handle of [
        `@alice@${host}`,
        '@alice@10.0.0.1',
        'https://169.254.169.254/latest/meta-data/',
        '@alice@[::1]',
        '@alice@loopback.test',
        '@alice@private.test',
        'metadata.test',
        'v6-loopback.test',
        'cgnat.test',
      ]) {
        const hop = await typeHandle(gateway, handle);
        assert.equal(hop.response.status, 400, handle);
        assert.match(
          inputError(hop, handle),
          /is on a private network, which Byline does not connect to\./,
          handle,
        );
      }
      assert.deepEqual(double.requests, [], 'the instance on loopback was never contacted');
    } finally {
      await gateway.close();
    }
  });

  test('a name nobody has, and what is not an address at all', async () => {
    const gateway = await gatewayWith({ resolve });
    try {
      assert.equal(
        inputError(await typeHandle(gateway, '@alice@nowhere.test'), '@alice@nowhere.test'),
        'nowhere.test could not be found. Check the address and try again.',
      );
      assert.match(
        inputError(await typeHandle(gateway, 'alice'), 'alice'),
        /^That is not a fediverse address/,
      );
      const empty = await typeHandle(gateway, '   ');
      assert.equal(empty.response.status, 400);
      assert.match(empty.body, /Type your fediverse address/);
    } finally {
      await gateway.close();
    }
  });

  test('allowedInstances and blockedInstances: an instance not accepted is never contacted', async () => {
    for (const mastodon of [{ allowedInstances: ['example.social'] }, { blockedInstances: ['127.0.0.1'] }]) {
      const gateway = await gatewayWith({ mastodon, http: { allowPrivateUpstreams: true } });
      try {
        const hop = await typeHandle(gateway, `@alice@${host}`);
        assert.equal(inputError(hop, `@alice@${host}`), 'Accounts on 127.0.0.1 cannot log in here.');
      } finally {
        await gateway.close();
      }
    }
    assert.deepEqual(double.requests, []);
    const allowed = await gatewayWith({
      mastodon: { allowedInstances: ['127.0.0.1'], blockedInstances: ['*.127.0.0.1'] },
      http: { allowPrivateUpstreams: true },
    });
    try {
      const hop = await typeHandle(allowed, `@alice@${host}`);
      assert.equal(hop.response.status, 302, 'an allowed instance is reached');
    } finally {
      await allowed.close();
    }
  });

  test('straight from the site with a bad login_hint: the chooser, at the input, and the form works from there', async () => {
    const gateway = await gatewayWith({ http: { allowPrivateUpstreams: true } });
    try {
      const browser = new Browser();
      const { challenge } = pkce();
      const url = authorizeUrl(gateway, challenge, { idp: 'mastodon' });
      url.searchParams.set('login_hint', 'alice');
      const hop = await browser.request(url);
      assert.equal(hop.response.status, 400);
      assert.match(inputError(hop, 'alice'), /not a fediverse address/);
      const ar = /name="ar" value="([^"]+)"/.exec(hop.body)?.[1] ?? '';
      const form = new URL('/auth/mastodon', gateway.url);
      form.search = new URLSearchParams({ ar, login_hint: `alice@${host}` }).toString();
      const again = await browser.request(form);
      assert.equal(again.response.status, 302);
      assert.ok(again.response.headers.get('location')?.startsWith(`${double.url}/oauth/authorize?`));
    } finally {
      await gateway.close();
    }
  });

  test('handle lookups are counted per client address (rateLimits.handleLookups)', async () => {
    const gateway = await gatewayWith({
      http: { allowPrivateUpstreams: true },
      config: { rateLimits: { handleLookups: { points: 2, window: '10m' } } },
    });
    try {
      assert.equal((await typeHandle(gateway, 'nowhere.invalid')).response.status, 400);
      assert.equal((await typeHandle(gateway, 'nowhere.invalid')).response.status, 400);
      const third = await typeHandle(gateway, host);
      assert.equal(third.response.status, 429);
      assert.ok(Number(third.response.headers.get('retry-after')) > 0);
      assert.match(
        inputError(third, host),
        /^Too many logins were started from your network\. Try again in 10 minutes\.$/,
      );
    } finally {
      await gateway.close();
    }
  });

  test('an IPv6 client counts by its /64: another address of the same prefix shares the limit', async () => {
    const gateway = await gatewayWith({
      http: { allowPrivateUpstreams: true, trustProxy: 1 },
      config: { rateLimits: { handleLookups: { points: 2, window: '10m' } } },
    });
    const from = async (address: string) => {
      const headers = { 'x-forwarded-for': address };
      const browser = new Browser();
      const chooser = await browser.request(authorizeUrl(gateway, pkce().challenge), { headers });
      const form = new URL('/auth/mastodon', gateway.url);
      form.search = new URLSearchParams({
        ar: /name="ar" value="([^"]+)"/.exec(chooser.body)?.[1] ?? '',
        login_hint: 'nowhere.invalid',
      }).toString();
      return (await browser.request(form, { headers })).response.status;
    };
    try {
      assert.equal(await from('2001:db8:1:2::a'), 400);
      assert.equal(await from('2001:db8:1:2:ffff::b'), 400);
      assert.equal(await from('2001:db8:1:2:1234:5678:9abc:def0'), 429, 'the same /64');
      assert.equal(await from('2001:db8:1:3::a'), 400, 'another /64');
    } finally {
      await gateway.close();
    }
  });
});

describe('mastodon: servers that are not what the reader thinks', () => {
  let server: DoubleServer;
  let url: string;
  before(async () => {
    // One server on loopback, several sites by the Host they are asked for (the resolver sends them all here).
    server = await startDoubleServer((_req, recorded, res) => {
      const site = recorded.headers.host?.split('.')[0];
      const metadata = recorded.path === '/.well-known/oauth-authorization-server';
      if (site === 'slow') return; // never answers
      if (site === 'huge' && metadata) {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(`{"issuer":"${'x'.repeat(300 * 1024)}"}`);
        return;
      }
      if (site === 'moved' && metadata) {
        res.writeHead(301, { location: `http://elsewhere.test:${new URL(url).port}${recorded.path}` }).end();
        return;
      }
      if (site === 'elsewhere') return sendJson(res, 200, { issuer: 'http://elsewhere.test/' });
      // A blog: a page for every GET, nothing for the Mastodon API.
      if (recorded.method === 'GET') {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>A blog</title>');
        return;
      }
      res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>');
    });
    url = server.url;
    for (const name of ['huge.test', 'slow.test', 'moved.test', 'elsewhere.test', 'blog.test'])
      names[name] = ['127.0.0.1'];
  });
  after(() => server.close());

  test('a slow server: the time limit, then a message; a huge answer: refused; a redirect elsewhere: named', async () => {
    const gateway = await gatewayWith({
      resolve,
      http: { allowPrivateUpstreams: true, upstreamTimeout: '400ms' },
    });
    const port = new URL(url).port;
    try {
      const started = Date.now();
      const slow = await typeHandle(gateway, `http://slow.test:${port}/@alice`);
      const took = Date.now() - started;
      assert.equal(
        inputError(slow, `http://slow.test:${port}/@alice`),
        `slow.test:${port} did not answer in time. Try again later.`,
      );
      assert.ok(took >= 350 && took < 3000, `${took} ms`);
      assert.equal(
        inputError(await typeHandle(gateway, `http://huge.test:${port}`), `http://huge.test:${port}`),
        `huge.test:${port} sent an answer far too large for a fediverse server.`,
      );
      assert.equal(
        inputError(await typeHandle(gateway, `http://moved.test:${port}`), `http://moved.test:${port}`),
        `moved.test:${port} sent Byline to another server, elsewhere.test:${port}. If your account is there, type that address instead.`,
      );
    } finally {
      await gateway.close();
    }
  });

  test('a website that is not a fediverse server; the reason is kept briefly instead of asking it again', async () => {
    const gateway = await gatewayWith({ resolve, http: { allowPrivateUpstreams: true } });
    const port = new URL(url).port;
    try {
      const expected = `blog.test:${port} does not look like a fediverse server that Byline can log in with (it has no Mastodon app API).`;
      assert.equal(
        inputError(await typeHandle(gateway, `http://blog.test:${port}/@me`), `http://blog.test:${port}/@me`),
        expected,
      );
      const asked = server.requests.filter((r) => r.headers.host?.startsWith('blog.')).length;
      assert.equal(asked, 2, 'the metadata, then the app registration');
      assert.equal(
        inputError(await typeHandle(gateway, `http://blog.test:${port}`), `http://blog.test:${port}`),
        expected,
      );
      assert.equal(server.requests.filter((r) => r.headers.host?.startsWith('blog.')).length, asked);
    } finally {
      await gateway.close();
    }
  });
});
