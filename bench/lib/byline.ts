import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { benchSite } from './login.js';
import { oidcSite } from './oidc.js';
import { type Child, cpuMs, nodeCommand, repoRoot, stopProcess } from './processes.js';

/** A free loopback port (listen on 0, close, reuse: the config needs the port before Byline listens). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface WordPressApp {
  clientId: string;
  clientSecret: string;
  endpoints: { authorization: string; token: string; userinfo: string };
}

/** Rate limits far above what the benchmark sends: their bookkeeping is measured, never a refusal. */
const unlimited = { points: 1_000_000_000, window: '1m' };

/**
 * Byline's config for the benchmark: the shipped defaults (log level info, memory store, ES256,
 * …) with two sites (the widget-like public one, an OpenID relying party with a secret) and the
 * WordPress.com provider pointed at the double.
 */
export function benchConfig(
  port: number,
  wordpress: WordPressApp,
  store: Record<string, unknown> = { kind: 'memory' },
): Record<string, unknown> {
  return {
    publicUrl: `http://127.0.0.1:${port}`,
    listen: { host: '127.0.0.1', port },
    dataDir: './data',
    store,
    demo: { enabled: false },
    ...(process.env.BENCH_LOG ? { log: { level: process.env.BENCH_LOG } } : {}),
    rateLimits: { clientAuthFailures: unlimited, guest: unlimited, authorize: unlimited },
    sites: {
      [benchSite.id]: {
        name: benchSite.name,
        origins: [benchSite.origin],
        redirectUris: [benchSite.redirectUri],
        // The admin's own blog, as the widget's site usually is: no consent question in the login flow.
        trusted: true,
      },
      // The relying party of the OpenID rows, configured like the oidc-provider client it is compared
      // with. trusted: the admin's own site, so a login asks the reader no consent question.
      [oidcSite.id]: {
        name: oidcSite.name,
        origins: [oidcSite.origin],
        redirectUris: [oidcSite.redirectUri],
        secret: oidcSite.secret,
        idTokenAlgorithm: 'ES256',
        trusted: true,
      },
    },
    providers: {
      wordpress: {
        clientId: wordpress.clientId,
        clientSecret: wordpress.clientSecret,
        endpoints: wordpress.endpoints,
      },
    },
  };
}

async function waitUntilHealthy(url: string, child: { exitCode: number | null }): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`byline serve exited (${child.exitCode})`);
    try {
      const response = await request(`${url}/healthz`);
      await response.body.dump();
      if (response.statusCode === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('byline serve did not become healthy');
}

/**
 * Runs the real thing, `bin/byline.js serve --config FILE` (built dist/), in a temporary working
 * directory (its dataDir). Its JSON log lines go to /dev/null: written, as in production, but not read.
 */
export async function startByline(
  wordpress: WordPressApp,
  options: { core?: number; store?: Record<string, unknown> } = {},
): Promise<Child & { url: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'byline-bench-'));
  const port = await freePort();
  const config = join(dir, 'byline.json');
  await writeFile(config, JSON.stringify(benchConfig(port, wordpress, options.store), null, 2));
  // BENCH_CPU_PROF=DIR writes a V8 CPU profile of the Byline server to DIR when it stops.
  const profile = process.env.BENCH_CPU_PROF;
  const [command, args] = nodeCommand(join(repoRoot, 'bin/byline.js'), {
    args: ['serve', '--config', config],
    ...(profile ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profile}`] } : {}),
    ...(options.core === undefined ? {} : { core: options.core }),
  });
  const env = { ...process.env };
  delete env.NODE_ENV;
  delete env.BYLINE_CONFIG;
  const child = spawn(command, args, { cwd: dir, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilHealthy(url, child);
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
  const pid = child.pid as number;
  return {
    name: 'byline',
    pid,
    process: child,
    info: { url },
    url,
    cpuMs: () => cpuMs(pid),
    ask: () => Promise.reject(new Error('byline serve has no IPC channel')),
    async stop() {
      await stopProcess(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
