import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';

/** Free loopback ports, distinct (all probed at once, then released for the processes that will listen). */
async function freePorts(count: number): Promise<number[]> {
  const probes = Array.from({ length: count }, () => createServer());
  await Promise.all(
    probes.map((probe) => new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))),
  );
  const ports = probes.map((probe) => (probe.address() as AddressInfo).port);
  await Promise.all(probes.map((probe) => new Promise((resolve) => probe.close(resolve))));
  return ports;
}

/** A short-lived client that gives up instead of retrying: for set-up and checks. */
function probeClient(port: number): Redis {
  const client = new Redis({
    port,
    host: '127.0.0.1',
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    lazyConnect: true,
  });
  client.on('error', () => {});
  return client;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * A Redis master, one replica and three Sentinels of the test's own, on free loopback ports (never
 * the default port), in a throwaway directory. The Sentinels are `redis-server --sentinel` (what Debian's
 * `redis-sentinel` runs), so no other package is needed. `failover()` is `SENTINEL FAILOVER`.
 */
export class SentinelTopology {
  readonly #children: ChildProcess[] = [];
  readonly sentinels: { host: string; port: number }[] = [];
  readonly name = 'mymaster';
  /** The ports of the master and the replica as started; a failover swaps their roles. */
  master = 0;
  replica = 0;

  private constructor(readonly dir: string) {}

  static async start(): Promise<SentinelTopology> {
    const topology = new SentinelTopology(await mkdtemp(join(tmpdir(), 'byline-sentinel-')));
    try {
      await topology.#start();
    } catch (error) {
      await topology.stop();
      throw error;
    }
    return topology;
  }

  async #start(): Promise<void> {
    const [master, replica, ...sentinels] = (await freePorts(5)) as [number, number, ...number[]];
    this.master = master;
    this.replica = replica;
    // A replica's first sync starts at once (diskless sync otherwise waits 5 s for more replicas).
    const server = [
      ...['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir],
      ...['--repl-diskless-sync-delay', '0'],
    ];
    this.#spawn(['--port', String(this.master), ...server]);
    this.#spawn(['--port', String(this.replica), ...server, '--replicaof', '127.0.0.1', String(this.master)]);
    // In sync, and acknowledging writes: just after its first sync a replica may not answer WAIT yet.
    await until('the replica to acknowledge writes', async () => {
      const client = probeClient(this.master);
      try {
        await client.connect();
        await client.set('topology:probe', '1', 'PX', 1000);
        return (await client.wait(1, 100)) === 1;
      } finally {
        client.disconnect();
      }
    });
    for (const [i, port] of sentinels.entries()) {
      const file = join(this.dir, `sentinel-${i}.conf`);
      // Sentinel rewrites its own config file, so each gets a writable one.
      await writeFile(
        file,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `dir ${this.dir}`,
          `sentinel monitor ${this.name} 127.0.0.1 ${this.master} 2`,
          `sentinel down-after-milliseconds ${this.name} 2000`,
          `sentinel failover-timeout ${this.name} 10000`,
          '',
        ].join('\n'),
      );
      this.#spawn([file, '--sentinel']);
      this.sentinels.push({ host: '127.0.0.1', port });
    }
    // A failover needs Sentinels that know the replica (they find each other later, through the master).
    for (const { port } of this.sentinels)
      await until(`sentinel ${port} to see the replica`, async () => {
        const client = probeClient(port);
        try {
          await client.connect();
          const replicas = (await client.call('SENTINEL', 'REPLICAS', this.name)) as unknown[];
          return replicas.length === 1;
        } finally {
          client.disconnect();
        }
      });
  }

  #spawn(args: string[]): void {
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    this.#children.push(child);
  }

  /**
   * `SENTINEL FAILOVER`: resolves once every Sentinel names the replica as master (the promotion is
   * done; the old master stays writable until the Sentinels demote it, some seconds later).
   */
  async failover(): Promise<void> {
    const client = probeClient((this.sentinels[0] as { port: number }).port);
    try {
      await client.connect();
      await client.call('SENTINEL', 'FAILOVER', this.name);
    } finally {
      client.disconnect();
    }
    const promoted = this.replica;
    await until('the sentinels to name the promoted replica', async () => {
      for (const { port } of this.sentinels) {
        const sentinel = probeClient(port);
        try {
          await sentinel.connect();
          const [, named] = (await sentinel.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', this.name)) as [
            string,
            string,
          ];
          if (Number(named) !== promoted) return false;
        } finally {
          sentinel.disconnect();
        }
      }
      return true;
    });
    [this.master, this.replica] = [this.replica, this.master];
  }

  /** A plain client to one of the Redis servers (the caller disconnects it). */
  client(port: number): Redis {
    const client = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
    client.on('error', () => {});
    return client;
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.#children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }),
    );
    await rm(this.dir, { recursive: true, force: true });
  }
}
