import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { parse as parseYaml } from 'yaml';
import { type BylineApp, createApp, handleRequest } from '../../src/app.js';
import { packageRoot, parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import type { Resolve } from '../../src/http/guarded-fetch.js';
import { type ExpressServerClasses, expressServerClasses } from '../../src/http/server-classes.js';
import type { GatewayContext } from '../../src/oauth/gateway-context.js';
import { MemoryStore } from '../../src/store/memory.js';
import type { Store } from '../../src/store/store.js';
import { algorithmsInUse } from '../../src/tokens/algorithms.js';
import { KeyStore } from '../../src/tokens/keystore.js';
import { TestClock } from './clock.js';

export interface TestGateway {
  url: string;
  app: BylineApp;
  ctx: GatewayContext;
  config: Config;
  store: Store;
  clock: TestClock;
  server: Server;
  close(): Promise<void>;
}

export interface Listening {
  server: Server;
  url: string;
  /** The server's request and response classes, given the app's prototypes once it exists (as server.ts does). */
  classes?: ExpressServerClasses;
}

/** Listens on a free loopback port, so the config can name the real publicUrl. */
export async function listenOnFreePort(): Promise<Listening> {
  const classes = expressServerClasses();
  const server = createServer(classes.options);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, classes };
}

/**
 * The tests' own blog: trusted (readers are not asked before it learns who they are) and, for requests
 * without a scope, given the email address, so the flows the tests drive reach it as before consent and
 * `claims` existed. test/security/consent.test.ts registers sites without either.
 */
export const testSite = {
  name: 'Test Blog',
  origins: ['https://blog.example'],
  redirectUris: ['https://blog.example/callback'],
  secret: 'test-site-secret-0123456789',
  trusted: true,
  claims: ['email'],
};

/**
 * A public site (no secret), trusted: a reader's live login reaches it without the consent question
 * (test/security/consent.test.ts asks it of untrusted sites).
 */
export const trustedPublicSite = {
  origins: ['https://public.example'],
  redirectUris: ['https://public.example/callback'],
  trusted: true,
};

export interface GatewayOptions {
  /** Raw config (as YAML would give it); publicUrl, listen and dataDir are filled in. */
  config?: Record<string, unknown>;
  clock?: TestClock;
  store?: Store;
  fetch?: typeof fetch;
  /** DNS for hosts that readers name (handle logins): the test's own names. */
  resolve?: Resolve;
  env?: Record<string, string | undefined>;
  /** Use an existing listening server (when a peer needs Byline's URL first). */
  listening?: Listening;
  /** Defaults to a silent logger. */
  logger?: Logger;
  /** Share a dataDir (keys) with another instance; the caller removes it. Default: a throwaway one. */
  dataDir?: string;
  /** The config's publicUrl when it is not this instance's own address (instances behind one URL). */
  publicUrl?: string;
}

/**
 * Starts Byline on 127.0.0.1:0 with a throwaway dataDir and a silent logger. A config that does not
 * start closes the server it listened on, so the test fails instead of hanging on an open handle.
 */
export async function startGateway(options: GatewayOptions = {}): Promise<TestGateway> {
  const listening = options.listening ?? (await listenOnFreePort());
  try {
    return await startOn(listening, options);
  } catch (error) {
    listening.server.closeAllConnections();
    await new Promise((resolve) => listening.server.close(resolve));
    throw error;
  }
}

async function startOn({ server, url, classes }: Listening, options: GatewayOptions): Promise<TestGateway> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'byline-test-')));
  const raw = {
    sites: { blog: testSite },
    providers: { dev: { type: 'dev' } },
    ...options.config,
    publicUrl: options.publicUrl ?? url,
    listen: { host: '127.0.0.1', port: 0 },
    dataDir,
  };
  const config = parseConfig(raw, { env: options.env ?? {}, cwd: dataDir });
  const clock = options.clock ?? new TestClock();
  const keys = await KeyStore.open(dataDir, {
    algorithm: config.tokens.algorithm,
    algorithms: algorithmsInUse(config),
    clock,
  });
  const store = options.store ?? new MemoryStore({ clock });
  const app = createApp(config, {
    keys,
    store,
    clock,
    logger: options.logger ?? pino({ level: 'silent' }),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.resolve ? { resolve: options.resolve } : {}),
  });
  classes?.use(app);
  server.on('request', (req, res) => handleRequest(app, req, res));
  return {
    url,
    app,
    ctx: app.locals.gateway,
    config,
    store,
    clock,
    server,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await store.close();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The shipped default config as `npm start` runs it, on a free port: publicUrl http://localhost:<port>
 * while the server listens on 127.0.0.1.
 */
export async function startShippedDefault(): Promise<TestGateway & { port: number }> {
  const listening = await listenOnFreePort();
  const port = (listening.server.address() as AddressInfo).port;
  const publicUrl = `http://localhost:${port}`;
  const text = readFileSync(join(packageRoot, 'config', 'default.yaml'), 'utf8').replaceAll(
    'http://localhost:3000',
    publicUrl,
  );
  const { publicUrl: _, listen: __, dataDir: ___, ...config } = parseYaml(text) as Record<string, unknown>;
  return Object.assign(await startGateway({ listening, config, publicUrl }), { port });
}
