import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { createUpstreamFetch, maxUpstreamResponseBytes } from '../../src/http/upstream-fetch.js';
import { isUnreachable } from '../../src/providers/provider.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const seen: Seen[] = [];
const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  '/json': (_req, res) => {
    res.setHeader('set-cookie', ['a=1', 'b=2']);
    res.writeHead(201, { 'content-type': 'application/json' }).end('{"ok":true}');
  },
  '/redirect': (_req, res) => res.writeHead(302, { location: '/json' }).end(),
  '/empty': (_req, res) => res.writeHead(204).end(),
  '/gzip': (_req, res) =>
    res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(Buffer.from('{"packed":1}'))),
  '/huge': (_req, res) => res.writeHead(200).end(Buffer.alloc(maxUpstreamResponseBytes + 1, 'x')),
  '/slow': () => {},
};

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(chunks).toString(),
    });
    (routes[path] ?? ((_q, s) => s.writeHead(404).end()))(req, res);
  });
});
let base: string;
before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const upstreamFetch = createUpstreamFetch();
const manual = { redirect: 'manual' } as const;

describe('createUpstreamFetch, on the fast path (redirect: manual, as openid-client asks)', () => {
  test('answers with a standard Response: status, every header, body and url', async () => {
    const response = await upstreamFetch(`${base}/json`, manual);
    assert.ok(response instanceof Response);
    assert.equal(response.status, 201);
    assert.equal(response.ok, true);
    assert.equal(response.url, `${base}/json`);
    assert.equal(response.headers.get('content-type'), 'application/json');
    assert.deepEqual(response.headers.getSetCookie(), ['a=1', 'b=2']);
    assert.deepEqual(await response.json(), { ok: true });
  });

  test('sends the method, the headers and a form body with the Content-Type fetch would give it', async () => {
    const response = await upstreamFetch(`${base}/json?x=1`, {
      ...manual,
      method: 'post',
      headers: { Authorization: 'Bearer abc', 'X-Extra': 'yes' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: 'a b' }),
    });
    await response.arrayBuffer();
    const request = seen.at(-1) as Seen;
    assert.equal(request.method, 'POST');
    assert.equal(request.url, '/json?x=1');
    assert.equal(request.headers.authorization, 'Bearer abc');
    assert.equal(request.headers['x-extra'], 'yes');
    assert.equal(request.headers['content-type'], 'application/x-www-form-urlencoded;charset=UTF-8');
    assert.equal(request.body, 'grant_type=authorization_code&code=a+b');
  });

  test('keeps a Content-Type the caller set, and takes Headers objects and byte bodies', async () => {
    const headers = new Headers({ 'content-type': 'application/json' });
    await (
      await upstreamFetch(`${base}/json`, {
        ...manual,
        method: 'POST',
        headers,
        body: new TextEncoder().encode('{"a":1}'),
      })
    ).text();
    const request = seen.at(-1) as Seen;
    assert.equal(request.headers['content-type'], 'application/json');
    assert.equal(request.body, '{"a":1}');
  });

  test('returns a redirect as it is, without following it', async () => {
    const before = seen.length;
    const response = await upstreamFetch(`${base}/redirect`, manual);
    assert.equal(response.status, 302);
    assert.equal(response.headers.get('location'), '/json');
    assert.equal(seen.length, before + 1, 'one request only');
  });

  test('a 204 has a null body', async () => {
    const response = await upstreamFetch(`${base}/empty`, manual);
    assert.equal(response.status, 204);
    assert.equal(response.body, null);
  });

  test('a gzip answer is decoded, as fetch would', async () => {
    assert.deepEqual(await (await upstreamFetch(`${base}/gzip`, manual)).json(), { packed: 1 });
  });

  test('an answer over the size limit is refused as a failed fetch', async () => {
    await assert.rejects(upstreamFetch(`${base}/huge`, manual), (error: Error) => {
      assert.ok(error instanceof TypeError);
      assert.equal(error.message, 'fetch failed');
      return true;
    });
  });

  test('a timeout rejects with the signal’s reason, which the login reports as unreachable', async () => {
    await assert.rejects(
      upstreamFetch(`${base}/slow`, { ...manual, signal: AbortSignal.timeout(50) }),
      (error: Error) => {
        assert.equal(error.name, 'TimeoutError');
        assert.ok(isUnreachable(error));
        return true;
      },
    );
  });

  test('a refused connection is TypeError("fetch failed") with the cause, as with fetch', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    await assert.rejects(upstreamFetch(`http://127.0.0.1:${port}/`, manual), (error: Error) => {
      assert.ok(error instanceof TypeError);
      assert.equal(error.message, 'fetch failed');
      assert.ok(isUnreachable(error));
      return true;
    });
  });
});

describe('createUpstreamFetch, everything else goes through undici’s fetch', () => {
  test('a default redirect is followed', async () => {
    const response = await upstreamFetch(`${base}/redirect`);
    assert.equal(response.status, 201);
    assert.deepEqual(await response.json(), { ok: true });
  });

  test('a Request object is fetched as it is', async () => {
    const response = await upstreamFetch(new Request(`${base}/json`, { method: 'POST', body: 'x' }));
    assert.equal(response.status, 201);
    assert.equal((seen.at(-1) as Seen).body, 'x');
  });

  test('the size limit holds there too', async () => {
    await assert.rejects(async () => {
      const response = await upstreamFetch(`${base}/huge`);
      await response.arrayBuffer();
    });
  });
});
