import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import { createApp } from './app.js';
import { systemClock } from './clock.js';
import { loadConfig } from './config/load.js';
import type { Config } from './config/schema.js';
import { MemoryStore } from './store/memory.js';
import type { Store } from './store/store.js';
import { KeyStore } from './tokens/keystore.js';

export interface StartOptions {
  configFile?: string;
  env?: Record<string, string | undefined>;
  cwd?: string;
  logger?: Logger;
}

export interface RunningServer {
  server: Server;
  config: Config;
  url: string;
  close(): Promise<void>;
}

export function openStore(config: Config): Store {
  if (config.store.kind === 'memory') return new MemoryStore();
  throw new Error('the redis store is not available in this build');
}

/** Loads the config, opens keys and store, and listens. Throws (before listening) on a bad config. */
export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const env = options.env ?? process.env;
  const { config } = loadConfig({ file: options.configFile, env, cwd: options.cwd });
  const logger = options.logger ?? pino({ level: config.log.level });
  const keys = await KeyStore.open(config.dataDir, {
    algorithm: config.tokens.algorithm,
    clock: systemClock,
  });
  const store = openStore(config);
  const app = createApp(config, { keys, store, logger });
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.listen.port, config.listen.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = config.publicUrl;
  logger.info({ port }, `listening on ${url}`);
  let closing: Promise<void> | undefined;
  return {
    server,
    config,
    url,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          setTimeout(() => server.closeAllConnections(), config.http.shutdownGrace).unref();
        });
        await store.close();
      })();
      return closing;
    },
  };
}
