import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envToCfg, envToSecrets, PDS } from '@atproto/pds';
import { Database, PlcServer } from '@did-plc/server';

/**
 * A real AT Protocol network on loopback for the atproto provider's tests: a PLC directory
 * (@did-plc/server on an in-memory database) and a PDS (@atproto/pds, the reference implementation, with
 * its OAuth authorization server, on SQLite in a temporary directory). Handles end in `.test`; Byline
 * resolves them through the PDS (`handleResolver`) and DIDs through this PLC (`plcDirectory`).
 */

/** A server on 127.0.0.1:0 for `app`: the PDS and the PLC listen on every interface when left to themselves. */
async function listenOnLoopback(app?: RequestListener): Promise<{ server: Server; port: number }> {
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

export interface TestPlc {
  url: string;
  close(): Promise<void>;
}

export async function startPlc(): Promise<TestPlc> {
  const plc = PlcServer.create({ db: Database.mock() });
  const { server, port } = await listenOnLoopback(plc.app);
  return {
    url: `http://localhost:${port}`,
    async close() {
      await closeServer(server);
      await plc.destroy();
    },
  };
}

export interface TestAccount {
  did: string;
  handle: string;
  password: string;
}

export interface TestPds {
  /** `http://localhost:<port>`: its issuer, its handles' resolver and every account's service endpoint. */
  url: string;
  /** Every request the PDS received, in order: method, path, and whether it carried a DPoP proof. */
  requests: { method: string; path: string; dpop: boolean }[];
  /** Creates an account (`<name>.test`) through the PDS's own API, with a profile record when given. */
  createAccount(
    name: string,
    profile?: { displayName?: string; avatar?: { bytes: Uint8Array; type: string } },
  ): Promise<TestAccount>;
  close(): Promise<void>;
}

async function xrpc(url: string, method: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/xrpc/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    // A copy: fetch's typings take a Uint8Array over an ArrayBuffer only.
    body: body instanceof Uint8Array ? new Uint8Array(body) : JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${method}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

export async function startPds(plcUrl: string): Promise<TestPds> {
  const dir = await mkdtemp(join(tmpdir(), 'byline-pds-'));
  // The PDS must know its port before it is built (its issuer names it): the server is ours, not its.
  const { server, port } = await listenOnLoopback();
  const url = `http://localhost:${port}`;
  // The PDS signs its PLC operations with a secp256k1 key, given as the hex of the private scalar.
  const rotationKey = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey.export({
    format: 'jwk',
  });
  const env = {
    devMode: true,
    port,
    hostname: 'localhost',
    dataDirectory: dir,
    blobstoreDiskLocation: join(dir, 'blobs'),
    adminPassword: randomBytes(12).toString('hex'),
    jwtSecret: randomBytes(12).toString('hex'),
    serviceHandleDomains: ['.test'],
    didPlcUrl: plcUrl,
    // No AppView here: the provider reads the profile record from the PDS itself.
    bskyAppViewUrl: 'https://appview.invalid',
    bskyAppViewDid: 'did:example:invalid',
    plcRotationKeyK256PrivateKeyHex: Buffer.from(String(rotationKey.d), 'base64url').toString('hex'),
    inviteRequired: false,
    // The PDS fetches Byline's client metadata document, on loopback here.
    disableSsrfProtection: true,
  };
  const pds = await PDS.create(envToCfg(env), envToSecrets(env));
  // What PDS.start() does besides listening on every interface.
  await pds.ctx.sequencer.start();
  const requests: TestPds['requests'] = [];
  server.on('request', (req, res) => {
    requests.push({
      method: req.method ?? '',
      path: (req.url ?? '').split('?')[0] ?? '',
      dpop: 'dpop' in req.headers,
    });
    pds.app(req, res);
  });
  return {
    url,
    requests,
    async createAccount(name, profile) {
      const handle = `${name}.test`;
      const password = randomBytes(12).toString('hex');
      const account = await xrpc(url, 'com.atproto.server.createAccount', {
        handle,
        email: `${name}@example.com`,
        password,
      });
      const did = String(account.did);
      const auth = { authorization: `Bearer ${String(account.accessJwt)}` };
      if (profile) {
        const avatar = profile.avatar
          ? (
              await xrpc(url, 'com.atproto.repo.uploadBlob', profile.avatar.bytes, {
                ...auth,
                'content-type': profile.avatar.type,
              })
            ).blob
          : undefined;
        await xrpc(
          url,
          'com.atproto.repo.putRecord',
          {
            repo: did,
            collection: 'app.bsky.actor.profile',
            rkey: 'self',
            record: {
              $type: 'app.bsky.actor.profile',
              ...(profile.displayName ? { displayName: profile.displayName } : {}),
              ...(avatar ? { avatar } : {}),
            },
          },
          auth,
        );
      }
      return { did, handle, password };
    },
    async close() {
      await closeServer(server);
      await pds.destroy();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
