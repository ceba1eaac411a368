import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { RedisStore } from '../../src/store/redis.js';
import { decode } from '../../src/store/redis-scripts.js';
import type { StoreWrite } from '../../src/store/store.js';
import { SentinelTopology } from '../support/redis-sentinel.js';

// A planned Sentinel failover (issue 18): the old master stays writable until the Sentinels demote it,
// some seconds after the replica was promoted, and whatever it acknowledged meanwhile is gone once it
// is. A single use the store acknowledged must hold on the new master.

let topology: SentinelTopology;
before(async () => {
  topology = await SentinelTopology.start();
});
after(async () => {
  await topology?.stop();
});

test('after SENTINEL FAILOVER no acknowledged take or rotation is lost: spent codes stay spent, rotated versions stay stale', {
  timeout: 20_000,
}, async () => {
  const prefix = 'failover:';
  const store = new RedisStore({
    url: `redis://127.0.0.1:${topology.master}/0`,
    prefix,
    timeout: 1000,
    options: { sentinels: topology.sentinels, name: topology.name },
  });
  // Codes issued before the failover (replicated), redeemed while it happens.
  const codes = Array.from({ length: 20_000 }, (_, i) => `code-${i}`);
  for (let i = 0; i < codes.length; i += 1000) {
    const batch = codes.slice(i, i + 1000);
    await store.write(batch.map((key): StoreWrite => ({ op: 'set', key, value: { i }, ttlMs: 60_000 })));
  }

  const unused = [...codes];
  const taken: string[] = [];
  const rotated = new Map<string, number>();
  let failed = 0;
  let running = true;
  const workers = Array.from({ length: 8 }, async (_, worker) => {
    const counter = `counter-${worker}`;
    while (running) {
      try {
        const code = unused.pop();
        if (code && (await store.take(code)) !== undefined) taken.push(code);
        // A refresh family: rotated from the version read to the next.
        const read = await store.getVersioned<{ n: number }>(counter);
        const n = (read?.value.n ?? 0) + 1;
        if (await store.swap(counter, read?.version, { value: { n }, ttlMs: 60_000 }))
          rotated.set(counter, n);
      } catch {
        failed++;
        await sleep(20);
      }
    }
  });

  await sleep(300);
  const before = taken.length;
  await topology.failover();
  // The old master takes writes until it is demoted: keep going a while.
  await sleep(1500);
  running = false;
  await Promise.all(workers);
  await store.close();
  assert.ok(before > 20 && rotated.size === 8, `the store worked before the failover (${before} taken)`);

  // What the new master holds is what survives.
  const promoted = topology.client(topology.master);
  try {
    const redeemable: string[] = [];
    for (const code of taken) {
      // Absent, or a removal mark: either way no take can have it again.
      if (decode(await promoted.get(prefix + code)) !== undefined) redeemable.push(code);
    }
    const behind: string[] = [];
    for (const [counter, n] of rotated) {
      const kept = decode<{ n: number }>(await promoted.get(prefix + counter))?.n ?? 0;
      if (kept < n) behind.push(`${counter}: acknowledged ${n}, kept ${kept}`);
    }
    const summary = `${taken.length} taken, ${failed} calls refused`;
    assert.deepEqual(redeemable, [], `acknowledged takes lost: codes redeemable again (${summary})`);
    assert.deepEqual(behind, [], `acknowledged rotations lost (${summary})`);
    assert.ok(failed > 0, `the old master's unconfirmed writes were refused (${summary})`);
  } finally {
    promoted.disconnect();
  }
});
