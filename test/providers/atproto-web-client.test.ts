import assert from 'node:assert/strict';
import { lookup } from 'node:dns';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import express, { type Router } from 'express';
import { Agent, type Dispatcher, getGlobalDispatcher, setGlobalDispatcher } from 'undici';
import { createGuardedFetch } from '../../src/http/guarded-fetch.js';
import { atprotoProvider } from '../../src/providers/atproto/atproto.js';
import { MemoryStore } from '../../src/store/memory.js';
import { startPds, startPlc, type TestPds, type TestPlc } from '../support/atproto-pds.js';
import { answerAtPds } from '../support/atproto-reader.js';
import { startGateway } from '../support/gateway.js';
import { testProviderContext } from '../support/provider-context.js';

/**
 * Byline behind https, as in production: a confidential web client whose client_id is its metadata
 * document's URL and who authenticates with private_key_jwt. The PDS (in this process) fetches that
 * document and the JWKS from https://byline.home.arpa:<port>, which this process's fetch resolves to the
 * loopback server below and trusts through the test certificate (test/fixtures/tls, for byline.home.arpa).
 * (home.arpa is reserved for local names, RFC 8375, and is not among the TLDs the PDS refuses.)
 */
const fixtures = join(import.meta.dirname, '..', 'fixtures', 'tls');
let plc: TestPlc;
let pds: TestPds;
let dataDir: string;
let server: Server;
let publicUrl: string;
let previousDispatcher: Dispatcher;
const routers: Router[] = [];
/** The paths the PDS asked Byline for. */
const served: string[] = [];

before(async () => {
  const [key, cert] = await Promise.all([
    readFile(join(fixtures, 'byline.home.arpa.key.pem')),
    readFile(join(fixtures, 'byline.home.arpa.cert.pem')),
  ]);
  const app = express();
  app.use((req, _res, next) => {
    served.push(req.path);
    next();
  });
  app.use((req, res, next) => {
    const [router] = routers;
    if (router) router(req, res, next);
    else next();
  });
  server = createServer({ key, cert }, app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  publicUrl = `https://byline.home.arpa:${(server.address() as AddressInfo).port}`;
  previousDispatcher = getGlobalDispatcher();
  setGlobalDispatcher(
    new Agent({
      connect: {
        ca: cert,
        lookup: (host, options, callback) => {
          if (host !== 'byline.home.arpa') return lookup(host, options, callback);
          if (options.all) return callback(null, [{ address: '127.0.0.1', family: 4 }]);
          return (callback as (error: null, address: string, family: number) => void)(null, '127.0.0.1', 4);
        },
      },
    }),
  );
  dataDir = await mkdtemp(join(tmpdir(), 'byline-atproto-web-'));
  plc = await startPlc();
  pds = await startPds(plc.url);
});

after(async () => {
  setGlobalDispatcher(previousDispatcher);
  await pds?.close();
  await plc?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await rm(dataDir, { recursive: true, force: true });
});

test('behind https: client metadata and JWKS under publicUrl, private_key_jwt, a login through the real PDS', async () => {
  const erin = await pds.createAccount('erin', { displayName: 'Erin' });
  const provider = atprotoProvider(
    { id: 'atproto', type: 'atproto', name: 'Bluesky', plcDirectory: plc.url, handleResolver: pds.url },
    testProviderContext(
      { url: publicUrl },
      {
        mount: (router) => routers.push(router),
        store: new MemoryStore({ clock: { now: () => Date.now() } }),
        dataDir,
        allowPrivateUpstreams: true,
        guardedFetch: createGuardedFetch({ timeoutMs: 5000, allowPrivate: true }),
      },
    ),
  );
  assert.equal(routers.length, 1, 'the documents are mounted');

  const clientId = `${publicUrl}/oauth/atproto/client-metadata.json`;
  const metadata = (await (await fetch(clientId)).json()) as Record<string, unknown>;
  assert.equal(metadata.client_id, clientId);
  assert.deepEqual(metadata.redirect_uris, [`${publicUrl}/auth/atproto/callback`]);
  assert.equal(metadata.token_endpoint_auth_method, 'private_key_jwt');
  assert.equal(metadata.token_endpoint_auth_signing_alg, 'ES256');
  assert.equal(metadata.dpop_bound_access_tokens, true);
  assert.equal(metadata.scope, 'atproto');
  assert.equal(metadata.jwks_uri, `${publicUrl}/oauth/atproto/jwks.json`);
  const jwksAnswer = await fetch(String(metadata.jwks_uri));
  assert.match(jwksAnswer.headers.get('content-type') ?? '', /^application\/json/);
  const { keys } = (await jwksAnswer.json()) as { keys: Record<string, unknown>[] };
  assert.equal(keys.length, 1);
  assert.equal(keys[0]?.alg, 'ES256');
  assert.equal(keys[0]?.d, undefined, 'never the private key');
  served.length = 0;

  const started = await provider.start({ forceLogin: false, handle: 'erin.test' });
  assert.ok('url' in started);
  assert.equal(new URL(started.url).searchParams.get('client_id'), clientId);
  assert.ok(served.includes('/oauth/atproto/client-metadata.json'), `the PDS read the metadata: ${served}`);
  assert.ok(served.includes('/oauth/atproto/jwks.json'), `the PDS read the JWKS: ${served}`);

  const callback = new URL(await answerAtPds(started.url, erin));
  assert.equal(`${callback.origin}${callback.pathname}`, `${publicUrl}/auth/atproto/callback`);
  // The token request is authenticated by a client assertion signed with the key in the JWKS.
  const identity = await provider.finish(callback.searchParams, started.upstream, {} as never);
  assert.equal(identity.id, erin.did);
  assert.equal(identity.name, 'Erin');
});

test('publicUrl decides the client: an IP address, a reserved TLD or a localhost development URL is refused at start-up', () => {
  const base = {
    store: new MemoryStore({ clock: { now: () => Date.now() } }),
    dataDir,
    guardedFetch: createGuardedFetch({ timeoutMs: 5000, allowPrivate: true }),
  };
  const config = { id: 'bsky', type: 'atproto' as const, name: 'Bluesky', plcDirectory: plc.url };
  for (const [url, message] of [
    ['https://203.0.113.7', /public domain name, not "203\.0\.113\.7"/],
    ['https://byline.test', /public domain name, not "byline\.test"/],
    ['http://localhost:3000', /publicUrl http:\/\/127\.0\.0\.1:<port>/],
  ] as const)
    assert.throws(
      () => atprotoProvider(config, testProviderContext({ url }, base)),
      (error: unknown) =>
        error instanceof TypeError && message.test(error.message) && /providers\.bsky/.test(error.message),
    );
});

test('the gateway serves the documents of an atproto provider configured by its id alone, with the key from its dataDir', async () => {
  const gateway = await startGateway({
    publicUrl: 'https://byline.home.arpa',
    config: { providers: { atproto: { plcDirectory: plc.url } } },
  });
  try {
    const provider = gateway.ctx.providers.get('atproto');
    assert.equal(provider?.type, 'atproto');
    assert.equal(provider?.name, 'Bluesky');
    assert.equal(provider?.icon, 'https://byline.home.arpa/static/icons/atproto.svg');
    const answer = await fetch(`${gateway.url}/oauth/atproto/client-metadata.json`);
    assert.equal(answer.status, 200);
    assert.match(answer.headers.get('cache-control') ?? '', /public/);
    const metadata = (await answer.json()) as Record<string, unknown>;
    assert.equal(metadata.client_id, 'https://byline.home.arpa/oauth/atproto/client-metadata.json');
    assert.deepEqual(metadata.redirect_uris, ['https://byline.home.arpa/auth/atproto/callback']);
    const { keys } = (await (await fetch(`${gateway.url}/oauth/atproto/jwks.json`)).json()) as {
      keys: { kid: string }[];
    };
    const onDisk = JSON.parse(
      await readFile(join(gateway.config.dataDir, 'atproto', 'client-key.json'), 'utf8'),
    ) as { kid: string };
    assert.deepEqual(
      keys.map(({ kid }) => kid),
      [onDisk.kid],
    );
  } finally {
    await gateway.close();
  }
});
