import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createApp, handleRequest } from './app.js';
import { systemClock } from './clock.js';
import { ConfigError } from './config/errors.js';
import { loadConfig } from './config/load.js';
import type { Config } from './config/schema.js';
import { createMetrics } from './http/metrics.js';
import { createRateLimits } from './http/rate-limit.js';
import { expressServerClasses } from './http/server-classes.js';
import { createLogger } from './logger.js';
import { MemoryStore } from './store/memory.js';
import type { Store } from './store/store.js';
import { algorithmsInUse } from './tokens/algorithms.js';
import { KeyStore } from './tokens/keystore.js';

export interface StartOptions {
  configFile?: string;
  env?: Record<string, string | undefined>;
  cwd?: string;
  logger?: Logger;
}

export interface RunningServer {
  server: Server;
  /** The config in force (replaced by a successful reload). */
  readonly config: Config;
  url: string;
  /** Whether this start created the signing keys (a first start on this dataDir). */
  keysCreated: boolean;
  /**
   * Re-reads the config file: a valid one takes effect for the next request without dropping a
   * connection; an invalid one is logged with its key paths and the current config stays. Listen
   * address, store and dataDir changes need a restart and are reported as such.
   */
  reload(): Promise<boolean>;
  /** Stops accepting, lets in-flight requests finish (at most `http.shutdownGrace`), closes the store. */
  close(): Promise<void>;
}

/** Settings a running process cannot change: they are reported and ignored on reload. */
function restartOnly(config: Config): string {
  return JSON.stringify([config.listen, config.store, config.dataDir, config.publicUrl]);
}

/** The store the config names: memory for one process, Redis to share state between instances. */
export async function openStore(config: Config, logger?: Logger): Promise<Store> {
  if (config.store.kind === 'memory') return new MemoryStore();
  const { url, prefix, sentinels, sentinelName, timeout, waitForReplicas } = config.store;
  // Loaded only for a Redis store: ioredis is a tenth of the memory store's start-up otherwise.
  const { RedisStore } = await import('./store/redis.js');
  return new RedisStore({
    url,
    prefix,
    timeout,
    waitForReplicas,
    ...(sentinels ? { options: { sentinels, name: sentinelName ?? 'mymaster' } } : {}),
    onError: (error) => logger?.warn({ err: error }, 'redis connection error'),
  });
}

/** Loads the config, opens keys and store, and listens. Throws (before listening) on a bad config. */
export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const env = options.env ?? process.env;
  const { config } = loadConfig({ file: options.configFile, env, cwd: options.cwd });
  const logger = options.logger ?? createLogger(config.log.level);
  const keys = await KeyStore.open(config.dataDir, {
    algorithm: config.tokens.algorithm,
    algorithms: algorithmsInUse(config),
    clock: systemClock,
  });
  if (keys.created) logger.info({ dir: keys.dir }, `created signing keys in ${keys.dir}`);
  const store = await openStore(config, logger);
  const metrics = createMetrics();
  // Rate counters survive a reload unless the rules themselves changed (memory counters would reset).
  const backend = store.redis ? { redis: store.redis.client, prefix: store.redis.prefix } : {};
  let limits = {
    rules: JSON.stringify(config.rateLimits),
    rateLimits: createRateLimits(config.rateLimits, backend),
  };
  const rateLimitsFor = (next: Config) => {
    const rules = JSON.stringify(next.rateLimits);
    if (rules !== limits.rules) limits = { rules, rateLimits: createRateLimits(next.rateLimits, backend) };
    return limits.rateLimits;
  };
  let current = {
    config,
    app: createApp(config, { keys, store, logger, metrics, rateLimits: rateLimitsFor(config) }),
  };
  const classes = expressServerClasses();
  classes.use(current.app);
  // Once shutdown begins every answer says `Connection: close`, and its socket closes after it.
  // (A `Connection: close` header set before the head is written is Node's public way to say so.)
  let draining = false;
  // The answers in flight, to make each the last of its socket when shutdown begins.
  const inFlight = new Set<ServerResponse>();
  const server = createServer(classes.options, (req, res) => {
    if (draining) res.setHeader('Connection', 'close');
    else {
      inFlight.add(res);
      res.once('close', () => inFlight.delete(res));
    }
    handleRequest(current.app, req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.listen.port, config.listen.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = config.publicUrl;
  logger.info({ port }, `listening on ${url}`);
  // Pick up `byline keys rotate` (possibly run on another machine sharing the key files) without a
  // restart: on a change under keys/, every 30 s, and on SIGHUP.
  const onReloadError = (error: unknown) => logger.warn({ err: error }, 'reloading the signing keys failed');
  const stopKeyReload = keys.autoReload({ onError: onReloadError });
  async function reload(): Promise<boolean> {
    let next: Config;
    try {
      next = loadConfig({ file: options.configFile, env, cwd: options.cwd }).config;
    } catch (error) {
      const issues =
        error instanceof ConfigError ? error.issues : [{ path: '(file)', message: String(error) }];
      logger.error({ issues }, 'config reload failed; the current config stays');
      return false;
    }
    if (restartOnly(next) !== restartOnly(current.config))
      logger.warn('listen, store, dataDir and publicUrl changes take effect only after a restart');
    const kept = {
      ...next,
      listen: config.listen,
      store: config.store,
      dataDir: config.dataDir,
      publicUrl: config.publicUrl,
    };
    current = {
      config: kept,
      app: createApp(kept, { keys, store, logger, metrics, rateLimits: rateLimitsFor(kept) }),
    };
    classes.use(current.app);
    await keys.reload().catch(onReloadError);
    logger.info('config reloaded');
    return true;
  }
  const onHangup = () => {
    void reload();
  };
  process.on('SIGHUP', onHangup);
  let closing: Promise<void> | undefined;
  return {
    server,
    get config() {
      return current.config;
    },
    url,
    keysCreated: keys.created,
    reload,
    close() {
      closing ??= (async () => {
        stopKeyReload();
        process.off('SIGHUP', onHangup);
        const grace = config.http.shutdownGrace;
        const deadline = Date.now() + grace;
        draining = true;
        for (const answer of inFlight) if (!answer.headersSent) answer.setHeader('Connection', 'close');
        // server.close() closes the sockets idle now; one whose answer had begun already is closed
        // once that answer is done (within 20 ms), rather than taking the client's next request.
        const idle = setInterval(() => server.closeIdleConnections(), 20);
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          setTimeout(() => server.closeAllConnections(), grace).unref();
        });
        clearInterval(idle);
        // The store gets what is left of the grace: a frozen Redis must not hold the process.
        await Promise.race([
          store.close(),
          new Promise((resolve) => setTimeout(resolve, Math.max(100, deadline - Date.now())).unref()),
        ]);
      })();
      return closing;
    },
  };
}
