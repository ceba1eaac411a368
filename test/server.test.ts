import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { stringify } from 'yaml';
import { startServer } from '../src/server.js';
import { pkce } from './support/pkce.js';

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
