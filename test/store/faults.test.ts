import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { RedisStore, type RedisStoreOptions } from '../../src/store/redis.js';
import { OwnRedis } from '../support/redis.js';

// The RedisStore under faults a healthy Redis never shows (issue 18), each against a redis-server of
// this file's own on a free port.

/**
 * A TCP relay to Redis that can lose one answer: `dropNextAnswer()` makes it close the client's
 * connection when the next bytes come back from Redis, instead of passing them on. The command was
 * carried out; its client only learns that the connection dropped (as after `CLIENT KILL`).
 */
class Relay {
  #server: Server;
  #dropping = false;
  #blackHole = false;
  readonly sockets = new Set<Socket>();
  dropped = 0;

  private constructor(
    server: Server,
    readonly port: number,
  ) {
    this.#server = server;
  }

  static async start(target: number): Promise<Relay> {
    let relay: Relay | undefined;
    const server = createServer((client) => {
      if (!relay) return client.destroy();
      const self = relay;
      self.sockets.add(client);
      client.on('close', () => self.sockets.delete(client));
      client.on('error', () => {});
      // A black hole accepts connections and never answers (a Redis that froze mid-handshake).
      if (self.#blackHole) return;
      const upstream = connect(target, '127.0.0.1');
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      client.on('data', (chunk) => upstream.write(chunk));
      upstream.on('data', (chunk) => {
        if (self.#dropping) {
          self.#dropping = false;
          self.dropped++;
          client.destroy();
          upstream.destroy();
          return;
        }
        client.write(chunk);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    relay = new Relay(server, typeof address === 'object' && address ? address.port : 0);
    return relay;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  dropNextAnswer(): void {
    this.#dropping = true;
  }

  /** From now on connections are accepted and never answered; open ones are cut. */
  becomeBlackHole(): void {
    this.#blackHole = true;
    for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}

let redis: OwnRedis;
let direct: Redis;
before(async () => {
  redis = await OwnRedis.start();
  direct = new Redis(redis.url);
});
after(async () => {
  direct.disconnect();
  await redis.stop();
});

let prefixes = 0;
function storeOn(url: string, options: Partial<RedisStoreOptions> = {}): RedisStore {
  return new RedisStore({ url, prefix: `faults-${++prefixes}:`, waitForReplicas: 0, ...options });
}

describe('an answer lost with its connection (the command is sent again on a new one)', () => {
  let relay: Relay;
  let store: RedisStore;
  before(async () => {
    relay = await Relay.start(redis.port);
    store = storeOn(relay.url);
    await store.ping();
  });
  after(async () => {
    await store.close();
    await relay.close();
  });

  test('a swap that was applied recognises its own write: it answers true once, and the old version stays spent', async () => {
    await store.set('record', { n: 1 }, 60_000);
    const first = await store.getVersioned<{ n: number }>('record');
    relay.dropNextAnswer();
    assert.equal(await store.swap('record', first?.version, { value: { n: 2 }, ttlMs: 60_000 }), true);
    assert.equal(relay.dropped, 1, 'the answer was lost and the swap sent again');
    assert.deepEqual(await store.get('record'), { n: 2 });
    assert.equal(
      await store.swap('record', first?.version, { value: { n: 3 }, ttlMs: 60_000 }),
      false,
      'a real second use of the old version still fails',
    );

    // The same from a swapped value (compared by revision), and a swap that removes the key.
    const second = await store.getVersioned<{ n: number }>('record');
    relay.dropNextAnswer();
    assert.equal(await store.swap('record', second?.version, { value: { n: 4 }, ttlMs: 60_000 }), true);
    const third = await store.getVersioned<{ n: number }>('record');
    assert.deepEqual(third?.value, { n: 4 });
    relay.dropNextAnswer();
    assert.equal(await store.swap('record', third?.version, undefined), true);
    assert.equal(relay.dropped, 3);
    assert.equal(await store.get('record'), undefined);
    assert.equal(await store.getVersioned('record'), undefined);
    assert.equal(await store.swap('record', third?.version, { value: { n: 5 }, ttlMs: 60_000 }), false);
    assert.equal(await store.swap('record', undefined, { value: { n: 6 }, ttlMs: 60_000 }), true);
    assert.deepEqual(await store.get('record'), { n: 6 });
  });

  test("a swap that lost the race is not mistaken for a retry of the winner's", async () => {
    await store.set('raced', { n: 1 }, 60_000);
    const read = await store.getVersioned('raced');
    // The winner shares the loser's prefix: same keys.
    const shared = new RedisStore({ url: redis.url, prefix: store.prefix, waitForReplicas: 0 });
    assert.equal(await shared.swap('raced', read?.version, { value: { n: 2 }, ttlMs: 60_000 }), true);
    relay.dropNextAnswer();
    assert.equal(await store.swap('raced', read?.version, { value: { n: 2 }, ttlMs: 60_000 }), false);
    await shared.close();
  });

  test('a take that was applied answers the value it took; other takers still get nothing', async () => {
    await store.set('code', { redeemable: true }, 60_000);
    relay.dropNextAnswer();
    assert.deepEqual(await store.take('code'), { redeemable: true });
    assert.equal(await store.take('code'), undefined);
    assert.equal(await store.get('code'), undefined);
    await store.set('code', { again: true }, 60_000);
    assert.deepEqual(
      await store.take('code'),
      { again: true },
      'a new value under a taken key is taken anew',
    );
  });
});

describe('deadlines', () => {
  // Without deadlines these would wait for as long as Redis does: the test timeouts only bound a failure.
  test('with Redis frozen (SIGSTOP) a call rejects within its deadline, and close() returns', {
    timeout: 15_000,
  }, async () => {
    const store = storeOn(redis.url, { timeout: 300 });
    await store.set('before', 1, 60_000);
    const pid = Number(/process_id:(\d+)/.exec(await direct.info('server'))?.[1]);
    process.kill(pid, 'SIGSTOP');
    let frozen = true;
    try {
      // Every one settles while Redis is still frozen: nothing waits for it to thaw.
      const outcomes = await Promise.allSettled([
        store.get('before'),
        store.set('during', 1, 60_000),
        store.swap('during', undefined, { value: 1, ttlMs: 60_000 }),
        store.ping(),
      ]);
      assert.equal(frozen, true);
      for (const outcome of outcomes) {
        assert.equal(outcome.status, 'rejected');
        assert.match(
          String((outcome as PromiseRejectedResult).reason),
          /did not answer within 300 ms|timed out/,
        );
      }
      await store.close();
      assert.equal(frozen, true, 'close() did not wait for the frozen Redis');
    } finally {
      frozen = false;
      process.kill(pid, 'SIGCONT');
    }
  });

  test('calls waiting for a connection are bounded: past the limit they fail at once, the rest at the deadline, and none is sent later', {
    timeout: 15_000,
  }, async () => {
    const relay = await Relay.start(redis.port);
    const store = storeOn(relay.url, { timeout: 1000, offlineQueue: 3 });
    await store.ping();
    // Connections are now accepted and never answered: the client reconnects and waits for its handshake.
    relay.becomeBlackHole();
    while (store.client.status === 'ready') await sleep(5);
    const settled: string[] = [];
    const calls = Array.from({ length: 6 }, (_, i) =>
      store.set(`queued-${i}`, i, 60_000).then(
        () => settled.push(`${i} stored`),
        (error: Error) => settled.push(/waiting/.test(error.message) ? `${i} refused` : `${i} timed out`),
      ),
    );
    await Promise.all(calls);
    assert.deepEqual(settled, [
      '3 refused',
      '4 refused',
      '5 refused',
      '0 timed out',
      '1 timed out',
      '2 timed out',
    ]);
    await store.close();
    await relay.close();
    // Had any been queued in ioredis, it would have been sent on the next connection.
    await sleep(100);
    assert.deepEqual(await direct.keys(`${store.prefix}*`), []);
  });

  test('with Redis stopped calls fail at once instead of waiting for the deadline', {
    timeout: 15_000,
  }, async () => {
    const own = await OwnRedis.start();
    const store = storeOn(own.url, { timeout: 10_000 });
    await store.ping();
    await own.stop();
    // ioredis notices the closed connection and fails to reconnect.
    const started = Date.now();
    await assert.rejects(store.ping());
    await assert.rejects(store.set('k', 'v', 60_000));
    assert.ok(Date.now() - started < 5_000, 'well within the 10 s deadline');
    await store.close();
  });
});
