import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ProviderConfigOf } from '../../src/config/providers-schema.js';
import { createGuardedFetch } from '../../src/http/guarded-fetch.js';
import { atprotoProvider } from '../../src/providers/atproto/atproto.js';
import {
  HandleError,
  type UpstreamProvider,
  UpstreamUnavailableError,
} from '../../src/providers/provider.js';
import type { ProviderContext } from '../../src/providers/provider-context.js';
import { MemoryStore } from '../../src/store/memory.js';
import { startPds, startPlc, type TestPds, type TestPlc } from '../support/atproto-pds.js';
import { answerAtPds } from '../support/atproto-reader.js';
import { testProviderContext } from '../support/provider-context.js';
import { keysUnder, redisStore, removePrefix, uniquePrefix } from '../support/redis.js';

/** A 1×1 PNG: the avatar the test account uploads. */
const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64',
);

describe('atproto provider against a real PDS', () => {
  let plc: TestPlc;
  let pds: TestPds;
  let dataDir: string;
  const store = new MemoryStore({ clock: { now: () => Date.now() } });
  const publicUrl = 'http://127.0.0.1:4000';

  function provider(overrides: Partial<ProviderContext> = {}): UpstreamProvider {
    const timeoutMs = overrides.upstreamTimeout ?? 5000;
    const allowPrivate = overrides.allowPrivateUpstreams ?? true;
    const ctx = testProviderContext(
      { url: publicUrl },
      {
        upstreamTimeout: timeoutMs,
        store,
        dataDir,
        allowPrivateUpstreams: allowPrivate,
        guardedFetch: createGuardedFetch({ timeoutMs, allowPrivate }),
        ...overrides,
      },
    );
    const config: ProviderConfigOf<'atproto'> = {
      id: 'atproto',
      type: 'atproto',
      name: 'Bluesky',
      plcDirectory: plc.url,
      handleResolver: pds.url,
    };
    return atprotoProvider(config, ctx);
  }

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'byline-atproto-'));
    plc = await startPlc();
    pds = await startPds(plc.url);
  });
  after(async () => {
    await pds?.close();
    await plc?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('a reader logs in with their handle: DID, display name, avatar, handle; no session is kept', async () => {
    const alice = await pds.createAccount('alice', {
      displayName: 'Alice Liddell',
      avatar: { bytes: png, type: 'image/png' },
    });
    const atproto = provider();
    const started = await atproto.start({ forceLogin: false, handle: '@Alice.test' } as {
      forceLogin: boolean;
    });
    assert.ok('url' in started);
    const authorization = new URL(started.url);
    assert.equal(authorization.origin, pds.url, 'the reader goes to their own PDS');
    assert.match(
      authorization.searchParams.get('request_uri') ?? '',
      /^urn:ietf:params:oauth:request_uri:/,
      'PAR',
    );
    assert.match(
      authorization.searchParams.get('client_id') ?? '',
      /^http:\/\/localhost\?/,
      'the development client',
    );

    const callback = new URL(await answerAtPds(started.url, alice));
    assert.equal(`${callback.origin}${callback.pathname}`, `${publicUrl}/auth/atproto/callback`);
    assert.equal(callback.searchParams.get('state'), started.upstream.state);
    const identity = await atproto.finish(callback.searchParams, started.upstream, {} as never);
    assert.equal(identity.provider, 'atproto');
    assert.equal(identity.id, alice.did);
    assert.equal(identity.name, 'Alice Liddell');
    assert.equal(identity.username, 'alice.test');
    assert.equal(identity.emailVerified, false);
    assert.equal(identity.website, `https://bsky.app/profile/${alice.did}`);
    const { picture } = identity;
    assert.ok(picture, 'a picture');
    assert.ok(picture.startsWith(`${pds.url}/xrpc/com.atproto.sync.getBlob?`), picture);
    const avatar = await fetch(picture);
    assert.equal(avatar.status, 200);
    assert.deepEqual(Buffer.from(await avatar.arrayBuffer()), png);

    const calls = pds.requests.map(({ method, path, dpop }) => `${method} ${path}${dpop ? ' +DPoP' : ''}`);
    for (const call of ['POST /oauth/par +DPoP', 'POST /oauth/token +DPoP', 'POST /oauth/revoke +DPoP'])
      assert.ok(calls.includes(call), `${call} in ${calls.join(', ')}`);
    assert.ok(
      calls.indexOf('POST /oauth/revoke +DPoP') > calls.indexOf('GET /xrpc/com.atproto.repo.getRecord +DPoP'),
      'the session is revoked once the profile is read',
    );
    assert.equal(await store.get(`atproto:atproto:session:${alice.did}`), undefined, 'the session is gone');
    assert.equal(
      await store.get(`atproto:atproto:state:${started.upstream.state}`),
      undefined,
      'the state is spent',
    );
  });

  test('a reader without a profile record is named by their handle', async () => {
    const bob = await pds.createAccount('bob');
    const atproto = provider();
    const started = await atproto.start({ forceLogin: true, handle: 'bob.test' });
    assert.ok('url' in started);
    const callback = new URL(await answerAtPds(started.url, bob));
    const identity = await atproto.finish(callback.searchParams, started.upstream, {} as never);
    assert.equal(identity.id, bob.did);
    assert.equal(identity.name, 'bob.test');
    assert.equal(identity.picture, undefined);
  });

  test('two instances sharing a Redis store: a login begun on one finishes on the other, and leaves nothing behind', async () => {
    const dana = await pds.createAccount('dana', { displayName: 'Dana' });
    const prefix = uniquePrefix('atproto');
    const [storeA, storeB] = [redisStore(prefix), redisStore(prefix)];
    try {
      const [a, b] = [provider({ store: storeA }), provider({ store: storeB })];
      const started = await a.start({ forceLogin: false, handle: 'dana.test' });
      assert.ok('url' in started);
      const pending = await keysUnder(prefix);
      assert.deepEqual(
        pending.map(({ key }) => key.slice(prefix.length)),
        [`atproto:atproto:state:${started.upstream.state}`],
      );
      assert.ok(
        pending.every(({ pttl }) => pttl > 0 && pttl <= 10 * 60_000),
        'the state expires',
      );
      const callback = new URL(await answerAtPds(started.url, dana));
      const identity = await b.finish(callback.searchParams, started.upstream, {} as never);
      assert.equal(identity.id, dana.did);
      assert.equal(identity.name, 'Dana');
      assert.deepEqual(await keysUnder(prefix), [], 'no state, no session');
    } finally {
      await Promise.all([storeA.close(), storeB.close()]);
      await removePrefix(prefix);
    }
  });

  test('a handle no account answers to is the reader’s mistake, said plainly', async () => {
    const atproto = provider();
    await assert.rejects(
      atproto.start({ forceLogin: false, handle: 'nobody.test' }),
      (error: unknown) =>
        error instanceof HandleError && /No account answers to nobody\.test/.test(error.message),
    );
    await assert.rejects(
      atproto.start({ forceLogin: false, handle: 'not a handle' }),
      (error: unknown) => error instanceof HandleError && /not a handle/.test(error.message),
    );
  });

  test('an account whose PDS is down: the reader is told at the start, the site told at the callback', async () => {
    const other = await startPds(plc.url);
    const carol = await other.createAccount('carol');
    const atproto = provider();
    // Down before the login begins: the DID document still names it (Byline asks the PLC for the DID).
    const started = await atproto.start({ forceLogin: false, handle: carol.did });
    assert.ok('url' in started);
    const callback = new URL(await answerAtPds(started.url, carol));
    await other.close();
    await assert.rejects(
      atproto.start({ forceLogin: false, handle: carol.did }),
      (error: unknown) =>
        error instanceof HandleError &&
        error.message === `The server of ${carol.did} could not be reached. Try again in a moment.`,
    );
    // Down between the reader's answer and the code exchange.
    await assert.rejects(
      atproto.finish(callback.searchParams, started.upstream, {} as never),
      (error: unknown) => error instanceof UpstreamUnavailableError,
    );
  });

  test('a DID nobody registered names no account', async () => {
    await assert.rejects(
      provider().start({ forceLogin: false, handle: `did:plc:${'a'.repeat(24)}` }),
      (error: unknown) =>
        error instanceof HandleError && /^No account answers to did:plc:a{24}\./.test(error.message),
    );
  });

  test('the admin’s plcDirectory and handleResolver are reached with the normal fetch, every host of the reader’s through the guard', async () => {
    const erin = await pds.createAccount('erin');
    const calls = { fetch: [] as string[], guarded: [] as string[] };
    const recording =
      (list: string[], fetchFn: typeof fetch): typeof fetch =>
      (input, init) => {
        list.push(input instanceof Request ? input.url : String(input));
        return fetchFn(input, init);
      };
    const atproto = provider({
      fetch: recording(calls.fetch, fetch),
      guardedFetch: recording(calls.guarded, createGuardedFetch({ timeoutMs: 5000, allowPrivate: true })),
    });
    const started = await atproto.start({ forceLogin: false, handle: 'erin.test' });
    assert.ok('url' in started);
    const callback = new URL(await answerAtPds(started.url, erin));
    assert.equal((await atproto.finish(callback.searchParams, started.upstream, {} as never)).id, erin.did);

    const resolveHandle = `${pds.url}/xrpc/com.atproto.identity.resolveHandle?`;
    const admins = (url: string) => url.startsWith(`${plc.url}/`) || url.startsWith(resolveHandle);
    assert.ok(
      calls.fetch.some((url) => url.startsWith(resolveHandle)),
      'the handle, at the handleResolver',
    );
    assert.ok(
      calls.fetch.includes(`${plc.url}/${encodeURIComponent(erin.did)}`),
      'the DID, at the directory',
    );
    assert.deepEqual(
      calls.fetch.filter((url) => !admins(url)),
      [],
      'nothing else through the normal fetch',
    );
    assert.deepEqual(calls.guarded.filter(admins), [], 'the admin’s endpoints never through the guard');
    for (const path of ['/.well-known/oauth-protected-resource', '/oauth/par', '/oauth/token'])
      assert.ok(calls.guarded.includes(`${pds.url}${path}`), `${path} through the guard`);
  });

  test('without http.allowPrivateUpstreams: the admin’s endpoints on loopback still answer; a reader’s PDS or did:web on a private address is refused, and says so', async () => {
    const before = pds.requests.length;
    const atproto = provider({ allowPrivateUpstreams: false });
    // alice.test resolves (the admin's handleResolver and directory), but her PDS is on loopback, in plain http.
    await assert.rejects(
      atproto.start({ forceLogin: false, handle: 'alice.test' }),
      (error: unknown) => error instanceof HandleError,
    );
    assert.deepEqual(
      pds.requests.slice(before).map(({ path }) => path),
      ['/xrpc/com.atproto.identity.resolveHandle'],
      'the PDS was asked as the handleResolver only, never as alice’s server',
    );

    // A did:web (atproto's have no port off localhost) whose name resolves to a private address: the
    // guard refuses it before any connection.
    const asked: string[] = [];
    const guardedFetch = createGuardedFetch({
      timeoutMs: 5000,
      allowPrivate: false,
      resolve: async (hostname) => {
        asked.push(hostname);
        return [{ address: '10.1.2.3', family: 4 }];
      },
    });
    await assert.rejects(
      provider({ allowPrivateUpstreams: false, guardedFetch }).start({
        forceLogin: false,
        handle: 'did:web:inside.test',
      }),
      (error: unknown) =>
        error instanceof HandleError &&
        error.message ===
          'did:web:inside.test cannot be used here: inside.test is not on the public Internet.',
    );
    assert.deepEqual(asked, ['inside.test'], 'the did:web went through the guard');
  });

  test('plcDirectory and handleResolver must be https, plain http only on loopback: checked when the provider is built', () => {
    const build = (endpoints: { plcDirectory?: string; handleResolver?: string }) =>
      atprotoProvider(
        { id: 'bsky', type: 'atproto', name: 'Bluesky', plcDirectory: plc.url, ...endpoints },
        testProviderContext(
          { url: publicUrl },
          { store, dataDir, guardedFetch: createGuardedFetch({ timeoutMs: 5000, allowPrivate: false }) },
        ),
      );
    assert.throws(
      () => build({ plcDirectory: 'http://plc.example' }),
      /^TypeError: providers\.bsky\.plcDirectory: must be an https URL/,
    );
    assert.throws(
      () => build({ handleResolver: 'http://10.0.0.7' }),
      /^TypeError: providers\.bsky\.handleResolver: must be an https URL/,
    );
    build({ plcDirectory: 'https://plc.directory', handleResolver: 'http://127.0.0.1:2583' });
  });

  test('a server that never answers: the reader is told within http.upstreamTimeout', async () => {
    // A did:web (served here) whose PDS accepts connections and never answers.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const silentPort = (silent.address() as AddressInfo).port;
    const didServer = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          '@context': ['https://www.w3.org/ns/did/v1'],
          id: did,
          service: [
            {
              id: '#atproto_pds',
              type: 'AtprotoPersonalDataServer',
              serviceEndpoint: `http://localhost:${silentPort}`,
            },
          ],
        }),
      );
    });
    await new Promise<void>((resolve) => didServer.listen(0, '127.0.0.1', resolve));
    const did = `did:web:localhost%3A${(didServer.address() as AddressInfo).port}`;
    try {
      const atproto = provider({ upstreamTimeout: 300 });
      const began = Date.now();
      await assert.rejects(
        atproto.start({ forceLogin: false, handle: did }),
        (error: unknown) => error instanceof HandleError && /could not be reached/.test(error.message),
      );
      assert.ok(Date.now() - began < 3000, `gave up after ${Date.now() - began} ms`);
    } finally {
      silent.closeAllConnections();
      didServer.closeAllConnections();
      await Promise.all([new Promise((r) => silent.close(r)), new Promise((r) => didServer.close(r))]);
    }
  });

  test('the client key for private_key_jwt is made once in dataDir', async () => {
    const { atprotoClientKey } = await import('../../src/providers/atproto/client-key.js');
    const [a, b] = await Promise.all([atprotoClientKey(dataDir), atprotoClientKey(dataDir)]);
    assert.deepEqual(a, b);
    assert.equal(a.alg, 'ES256');
    assert.ok(a.d, 'the private key');
    const onDisk = JSON.parse(await readFile(join(dataDir, 'atproto', 'client-key.json'), 'utf8'));
    assert.equal(onDisk.kid, a.kid);
  });
});
