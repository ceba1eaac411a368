import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { after, before, describe, test } from 'node:test';
import {
  createGuardedFetch,
  type GuardedFetchOptions,
  OversizedAnswerError,
  RefusedUpstreamError,
} from '../../src/http/guarded-fetch.js';
import { type DoubleServer, sendJson, startDoubleServer } from '../support/double-http.js';

/** Names the tests resolve themselves; anything else is unknown (ENOTFOUND), so no test reaches real DNS. */
function resolver(names: Record<string, string[]>) {
  const asked: string[] = [];
  const resolve = async (hostname: string): Promise<LookupAddress[]> => {
    asked.push(hostname);
    const addresses = names[hostname];
    if (!addresses)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return { resolve, asked };
}

const refused = (reason: string, host?: string) => (error: unknown) =>
  error instanceof RefusedUpstreamError &&
  error.reason === reason &&
  (host === undefined || error.host === host);

describe('guarded fetch', () => {
  let double: DoubleServer;
  let port: string;
  before(async () => {
    double = await startDoubleServer((req, recorded, res) => {
      const host = req.headers.host ?? '';
      switch (recorded.path) {
        case '/hello':
          sendJson(res, 200, { host, authorization: req.headers.authorization ?? null });
          return;
        case '/to-metadata':
          res.writeHead(302, { location: 'http://metadata.test/latest/meta-data/' }).end();
          return;
        case '/to-private-literal':
          res.writeHead(301, { location: 'http://10.0.0.7/admin' }).end();
          return;
        case '/to-other-name':
          res.writeHead(307, { location: `http://other.test:${port}/hello` }).end();
          return;
        case '/loop':
          res.writeHead(302, { location: '/loop' }).end();
          return;
        case '/slow':
          // Headers, then nothing: only the time limit ends this.
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write('{');
          return;
        case '/huge':
          res.writeHead(200, { 'content-type': 'application/json' }).end(`"${'x'.repeat(300 * 1024)}"`);
          return;
        case '/huge-chunked': {
          res.writeHead(200, { 'content-type': 'text/html' });
          const chunk = 'y'.repeat(64 * 1024);
          for (let i = 0; i < 5; i++) res.write(chunk);
          res.end();
          return;
        }
        default:
          sendJson(res, 404, { error: 'Not found' });
      }
    });
    port = new URL(double.url).port;
  });
  after(() => double.close());

  /** A double on loopback that this test alone lets pass; everything else private stays refused. */
  function guarded(names: Record<string, string[]>, options: Partial<GuardedFetchOptions> = {}) {
    const dns = resolver(names);
    const fetch = createGuardedFetch({
      timeoutMs: 2000,
      allowPrivate: false,
      resolve: dns.resolve,
      reachable: (address) => address === '127.0.0.1',
      ...options,
    });
    return { fetch, asked: dns.asked };
  }

  test('addresses off the public Internet are refused before any connection, as literals or after DNS', async () => {
    const { fetch, asked } = guarded(
      {
        'loopback.test': ['127.0.0.1'],
        'private.test': ['10.1.2.3'],
        'metadata.test': ['169.254.169.254'],
        'v6-loopback.test': ['::1'],
        'mixed.test': ['10.0.0.8', '192.168.0.9'],
      },
      { reachable: () => false },
    );
    const before = double.requests.length;
    for (const url of [
      `http://127.0.0.1:${port}/hello`,
      'https://10.0.0.1/',
      'https://169.254.169.254/latest/meta-data/',
      'https://[::1]/',
      'https://[::ffff:127.0.0.1]/',
      'https://[fd00::1]/',
      'https://100.64.0.1/',
      'https://0.0.0.0/',
      'https://loopback.test/',
      'https://private.test/',
      'https://metadata.test/',
      'https://v6-loopback.test/',
      'https://mixed.test/',
    ])
      await assert.rejects(fetch(url), refused('private-address'), url);
    assert.equal(double.requests.length, before, 'nothing reached the double');
    assert.deepEqual(asked, [
      'loopback.test',
      'private.test',
      'metadata.test',
      'v6-loopback.test',
      'mixed.test',
    ]);
  });

  test('plain http to a public address is refused; an unknown name fails as fetch does (ENOTFOUND)', async () => {
    const { fetch } = guarded({ 'public.test': ['93.184.216.34'] });
    await assert.rejects(fetch('http://public.test/'), refused('plain-http', 'public.test'));
    await assert.rejects(fetch('http://93.184.216.34/'), refused('plain-http'));
    await assert.rejects(fetch('ftp://public.test/'), refused('scheme'));
    await assert.rejects(
      fetch('https://nowhere.test/'),
      (error: unknown) =>
        error instanceof TypeError && (error.cause as { code?: string } | undefined)?.code === 'ENOTFOUND',
    );
  });

  test('the connection goes to the address that was checked: DNS is asked once, a changed answer moves nothing', async () => {
    let calls = 0;
    const fetch = createGuardedFetch({
      timeoutMs: 2000,
      allowPrivate: false,
      reachable: (address) => address === '127.0.0.1',
      // A rebinding name: the checked answer first, a private one for whoever asks again.
      resolve: async () => {
        calls++;
        return [{ address: calls === 1 ? '127.0.0.1' : '10.0.0.1', family: 4 }];
      },
    });
    const response = await fetch(`http://rebind.test:${port}/hello`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { host: `rebind.test:${port}`, authorization: null });
    assert.equal(calls, 1);
  });

  test('with allowPrivate every private address is reachable, over plain http too', async () => {
    const fetch = createGuardedFetch({
      timeoutMs: 2000,
      allowPrivate: true,
      resolve: resolver({ 'instance.test': ['127.0.0.1'] }).resolve,
    });
    assert.equal((await fetch(`http://127.0.0.1:${port}/hello`)).status, 200);
    assert.equal((await fetch(`http://instance.test:${port}/hello`)).status, 200);
  });

  test('every redirect is checked again: an allowed host that redirects to a private one is refused', async () => {
    const { fetch, asked } = guarded({ 'allowed.test': ['127.0.0.1'], 'metadata.test': ['169.254.169.254'] });
    await assert.rejects(
      fetch(`http://allowed.test:${port}/to-metadata`),
      refused('private-address', 'metadata.test'),
    );
    assert.deepEqual(asked, ['allowed.test', 'metadata.test']);
    await assert.rejects(
      fetch(`http://allowed.test:${port}/to-private-literal`),
      refused('private-address', '10.0.0.7'),
    );
  });

  test('redirects are followed a bounded number of times; credentials stay with their origin', async () => {
    const { fetch } = guarded({ 'allowed.test': ['127.0.0.1'], 'other.test': ['127.0.0.1'] });
    await assert.rejects(fetch(`http://allowed.test:${port}/loop`), refused('redirects'));
    const moved = await fetch(`http://allowed.test:${port}/to-other-name`, {
      headers: { authorization: 'Bearer secret-token' },
    });
    assert.equal(moved.url, `http://other.test:${port}/hello`);
    assert.deepEqual(await moved.json(), { host: `other.test:${port}`, authorization: null });
    const manual = await fetch(`http://allowed.test:${port}/to-metadata`, { redirect: 'manual' });
    assert.equal(manual.status, 302, 'redirect: manual hands the redirect back unfollowed');
  });

  test('a slow answer ends at the time limit', async () => {
    const { fetch } = guarded({ 'allowed.test': ['127.0.0.1'] }, { timeoutMs: 300 });
    const started = Date.now();
    await assert.rejects(
      fetch(`http://allowed.test:${port}/slow`).then((r) => r.text()),
      {
        name: 'TimeoutError',
      },
    );
    const took = Date.now() - started;
    assert.ok(took >= 250 && took < 2000, `${took} ms`);
  });

  test('DNS is bounded too: a resolver that never answers ends at the time limit, or with the caller’s signal', async () => {
    const signals: (AbortSignal | undefined)[] = [];
    const fetch = createGuardedFetch({
      timeoutMs: 200,
      allowPrivate: false,
      resolve: (_hostname, signal) => {
        signals.push(signal);
        return new Promise(() => {});
      },
    });
    await assert.rejects(fetch('https://slow-dns.test/'), { name: 'TimeoutError' });
    // The resolver is told as well, so that it can stop asking (resolve-host.ts cancels its queries).
    assert.equal(signals[0]?.aborted, true);
    const controller = new AbortController();
    const pending = fetch('https://slow-dns.test/', { signal: controller.signal });
    const reason = new Error('the reader left');
    controller.abort(reason);
    await assert.rejects(pending, (error: unknown) => error === reason);
  });

  test('a huge answer is refused, with or without Content-Length', async () => {
    const { fetch } = guarded({ 'allowed.test': ['127.0.0.1'] });
    for (const path of ['/huge', '/huge-chunked'])
      await assert.rejects(
        fetch(`http://allowed.test:${port}${path}`),
        (error: unknown) => error instanceof OversizedAnswerError && error.limit === 256 * 1024,
        path,
      );
  });
});
