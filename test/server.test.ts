import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import pino from 'pino';
import { stringify } from 'yaml';
import { startServer } from '../src/server.js';
import { pkce } from './support/pkce.js';
import { OwnRedis } from './support/redis.js';

let dir: string;
const logLines: string[] = [];
const logger = pino(
  { level: 'info' },
  new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  }),
);

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'byline-server-'));
});
after(() => rm(dir, { recursive: true, force: true }));

function config(extraSites: Record<string, unknown> = {}, extraProviders: Record<string, unknown> = {}) {
  return {
    publicUrl: 'http://127.0.0.1:3998',
    listen: { host: '127.0.0.1', port: 0 },
    dataDir: join(dir, 'data'),
    sites: {
      blog: { origins: ['https://blog.example'], redirectUris: ['https://blog.example/callback'] },
      ...extraSites,
    },
    providers: { dev: { type: 'dev' }, ...extraProviders },
  };
}

const port = (server: { address(): unknown }) => (server.address() as AddressInfo).port;

function authorize(base: string, site: string, idp?: string): string {
  const query = new URLSearchParams({
    client_id: site,
    redirect_uri: `https://${site}.example/callback`,
    response_type: 'code',
    state: 's',
    code_challenge: pkce().challenge,
    code_challenge_method: 'S256',
    ...(idp ? { idp } : {}),
  });
  return `${base}/authorize?${query}`;
}

test('SIGHUP with a valid config adds a site without a restart; an invalid one is logged and changes nothing', async () => {
  const file = join(dir, 'reload.yaml');
  await writeFile(file, stringify(config()));
  const running = await startServer({ configFile: file, env: {}, logger });
  const base = `http://127.0.0.1:${port(running.server)}`;
  try {
    assert.equal((await fetch(authorize(base, 'news'), { redirect: 'manual' })).status, 400);

    const news = { origins: ['https://news.example'], redirectUris: ['https://news.example/callback'] };
    await writeFile(file, stringify(config({ news })));
    const keepAlive = await fetch(`${base}/healthz`);
    assert.equal(keepAlive.status, 200);
    process.emit('SIGHUP', 'SIGHUP');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal((await fetch(authorize(base, 'news'), { redirect: 'manual' })).status, 200);

    await writeFile(
      file,
      stringify({ ...config({ news }), sites: { news: { ...news, redirectUris: ['not a url'] } } }),
    );
    assert.equal(await running.reload(), false);
    assert.ok(
      logLines.some(
        (line) => line.includes('config reload failed') && line.includes('sites.news.redirectUris[0]'),
      ),
    );
    assert.equal(
      (await fetch(authorize(base, 'news'), { redirect: 'manual' })).status,
      200,
      'the old config stays',
    );
    assert.equal((await fetch(authorize(base, 'blog'), { redirect: 'manual' })).status, 200);
  } finally {
    await running.close();
  }
});

test('closing lets an in-flight request finish, then stops', async () => {
  // A provider that accepts the connection and never answers: the login waits for the upstream timeout.
  const held: unknown[] = [];
  const silent = createServer((req) => held.push(req));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const file = join(dir, 'close.yaml');
  const slow = { type: 'oidc', name: 'Slow', issuer: `http://127.0.0.1:${port(silent)}`, clientId: 'x' };
  await writeFile(
    file,
    stringify({ ...config({}, { slow }), http: { upstreamTimeout: '1s', shutdownGrace: '10s' } }),
  );
  const running = await startServer({ configFile: file, env: {}, logger });
  const base = `http://127.0.0.1:${port(running.server)}`;
  try {
    const inFlight = fetch(authorize(base, 'blog', 'slow'), { redirect: 'manual' });
    while (held.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const closed = running.close();
    const response = await inFlight;
    assert.equal(response.status, 302);
    assert.equal(
      new URL(response.headers.get('location') as string).searchParams.get('error'),
      'temporarily_unavailable',
    );
    await closed;
    await assert.rejects(fetch(`${base}/healthz`));
  } finally {
    silent.closeAllConnections();
    silent.close();
  }
});

test('POST /token, handed to its route before Express, answers exactly as the route Express chooses does', async () => {
  const file = join(dir, 'token-route.yaml');
  await writeFile(
    file,
    stringify(
      config({
        rp: {
          origins: ['https://rp.example'],
          redirectUris: ['https://rp.example/callback'],
          secret: 'rp-secret-0123456789abcdef',
        },
      }),
    ),
  );
  const running = await startServer({ configFile: file, env: {}, logger });
  try {
    const base = `http://127.0.0.1:${port(running.server)}`;
    const basic = `Basic ${Buffer.from('rp:wrong-secret').toString('base64')}`;
    // `/token?` is not the server's exact path, so Express routes it: the same handler, the long way.
    const answers = await Promise.all(
      ['/token', '/token?'].map(async (path) => {
        const response = await fetch(`${base}${path}`, {
          method: 'POST',
          headers: {
            authorization: basic,
            'content-type': 'application/x-www-form-urlencoded',
            origin: 'https://rp.example',
          },
          body: 'grant_type=refresh_token&refresh_token=x',
        });
        const headers: Record<string, string> = {};
        response.headers.forEach((value, name) => {
          if (name !== 'date' && name !== 'x-request-id') headers[name] = value;
        });
        return { status: response.status, headers, body: await response.json() };
      }),
    );
    const [direct, routed] = answers as [(typeof answers)[number], (typeof answers)[number]];
    assert.deepEqual(direct, routed);
    assert.equal(direct.status, 401);
    assert.equal(direct.headers['www-authenticate'], 'Basic realm="byline", charset="UTF-8"');
    assert.equal(direct.headers['access-control-allow-origin'], 'https://rp.example');
    assert.equal(direct.headers['x-content-type-options'], 'nosniff');
    assert.equal((direct.body as { error: string }).error, 'invalid_client');
    const tokenLines = logLines.filter((line) => line.includes('"url":"/token'));
    assert.ok(
      tokenLines.some((line) => line.includes('"url":"/token"') && line.includes('"statusCode":401')),
    );
  } finally {
    await running.close();
  }
});

test('the first start on a dataDir creates the signing keys and logs it; the next start does not', async () => {
  const dataDir = join(dir, 'first-start');
  const file = join(dir, 'first-start.yaml');
  await writeFile(file, stringify({ ...config(), dataDir }));
  const logged = (from: number) =>
    logLines.slice(from).map((line) => JSON.parse(line) as { msg: string; dir?: string });
  for (const [round, created] of [
    [1, true],
    [2, false],
  ] as const) {
    const from = logLines.length;
    const running = await startServer({ configFile: file, env: {}, logger });
    await running.close();
    assert.equal(running.keysCreated, created, `start ${round}`);
    assert.deepEqual(
      logged(from)
        .filter(({ msg }) => msg.startsWith('created signing keys'))
        .map(({ dir: keys }) => keys),
      created ? [join(dataDir, 'keys')] : [],
      `start ${round}`,
    );
  }
});

test('shutdown under keep-alive load: every later answer says Connection: close, kept-alive sockets take no more requests, and close() is done as soon as the in-flight request is', {
  timeout: 20_000,
}, async () => {
  // A provider that holds one login until the test lets go, and one that fails every login after
  // 20 ms: the load, whose requests are always in flight (an idle socket is closed by close() itself).
  const held: Socket[] = [];
  const silent = createServer((req) => held.push(req.socket));
  let busy = 0;
  let whenAllBusy: (() => void) | undefined;
  const sluggish = createServer((_req, res) => {
    // All four load requests in flight at once: none of their sockets is idle.
    if (++busy === 4) whenAllBusy?.();
    setTimeout(() => {
      busy--;
      res.writeHead(503).end();
    }, 20);
  });
  for (const server of [silent, sluggish])
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const file = join(dir, 'keep-alive.yaml');
  const provider = (server: Server, path = '') => ({
    type: 'oidc',
    name: 'Slow',
    issuer: `http://127.0.0.1:${port(server)}${path}`,
    clientId: 'x',
  });
  // One provider per client: concurrent logins through one provider share its discovery request.
  const loaders = ['load-0', 'load-1', 'load-2', 'load-3'];
  await writeFile(
    file,
    stringify({
      ...config(
        {},
        {
          slow: provider(silent),
          ...Object.fromEntries(loaders.map((id) => [id, provider(sluggish, `/${id}`)])),
        },
      ),
      http: { upstreamTimeout: '10s', shutdownGrace: '10s' },
      rateLimits: { authorize: { points: 1_000_000, window: '1m' } },
    }),
  );
  const running = await startServer({ configFile: file, env: {}, logger });
  const base = `http://127.0.0.1:${port(running.server)}`;
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  try {
    const inFlight = fetch(authorize(base, 'blog', 'slow'), { redirect: 'manual' });
    while (held.length === 0) await sleep(10);

    // Four clients keep their sockets busy, as a load balancer's pool does, until the server refuses them.
    let closing = false;
    let served = 0;
    const answeredAfterClose: string[] = [];
    const get = (idp: string) =>
      new Promise<void>((resolve, reject) => {
        request(authorize(base, 'blog', idp), { agent }, (res) => {
          res.resume();
          res.on('end', () => {
            served++;
            if (closing) answeredAfterClose.push(String(res.headers.connection));
            resolve();
          });
        })
          .on('error', reject)
          .end();
      });
    const stops = Promise.all(
      loaders.map(async (idp) => {
        try {
          for (;;) await get(idp);
        } catch (error) {
          return (error as NodeJS.ErrnoException).code;
        }
      }),
    );
    while (served < 20) await sleep(5);
    await new Promise<void>((resolve) => {
      whenAllBusy = resolve;
    });

    closing = true;
    let closed = false;
    const closedPromise = running.close().then(() => {
      closed = true;
    });
    const stopped = await Promise.race([stops, sleep(3000).then(() => 'still served')]);
    assert.deepEqual(
      stopped,
      loaders.map(() => 'ECONNREFUSED'),
      'each client stopped when it needed a new connection: none was cut, none served on',
    );
    assert.deepEqual(
      answeredAfterClose,
      loaders.map(() => 'close'),
      'the answers in flight at shutdown were the last of their sockets, and said so',
    );
    assert.equal(closed, false, 'the in-flight login holds the shutdown');

    // The provider answers at last (by hanging up): the login ends, and so does the server.
    for (const socket of held) socket.destroy();
    const response = await inFlight;
    assert.equal(response.status, 302, 'the in-flight request was answered, not cut');
    const outcome = await Promise.race([
      closedPromise.then(() => 'closed'),
      sleep(5000).then(() => 'waiting'),
    ]);
    assert.equal(outcome, 'closed', 'close() did not wait for http.shutdownGrace');
  } finally {
    agent.destroy();
    for (const server of [silent, sluggish]) {
      server.closeAllConnections();
      server.close();
    }
    await running.close();
  }
});

test('shutdown with Redis frozen is bounded by http.shutdownGrace', { timeout: 20_000 }, async () => {
  const redis = await OwnRedis.start();
  const file = join(dir, 'frozen-redis.yaml');
  await writeFile(
    file,
    stringify({
      ...config(),
      store: { kind: 'redis', url: redis.url, prefix: 'shutdown:', timeout: '10s' },
      http: { shutdownGrace: '1s' },
    }),
  );
  const running = await startServer({ configFile: file, env: {}, logger });
  const base = `http://127.0.0.1:${port(running.server)}`;
  const admin = new Redis(redis.url);
  const pid = Number(/process_id:(\d+)/.exec(await admin.info('server'))?.[1]);
  admin.disconnect();
  try {
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    process.kill(pid, 'SIGSTOP');
    // Neither QUIT nor the store's own 10 s deadline may hold the process.
    const outcome = await Promise.race([
      running.close().then(() => 'closed'),
      sleep(5000).then(() => 'waiting'),
    ]);
    assert.equal(outcome, 'closed');
  } finally {
    process.kill(pid, 'SIGCONT');
    await redis.stop();
  }
});
