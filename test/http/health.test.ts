import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryStore } from '../../src/store/memory.js';
import { startGateway } from '../support/gateway.js';

class FlakyStore extends MemoryStore {
  down = false;
  override async ping(): Promise<void> {
    if (this.down) throw new Error('store unreachable');
  }
}

test('/healthz is always ok; /readyz follows the store and counts its failures', async () => {
  const store = new FlakyStore();
  const gateway = await startGateway({ store });
  try {
    assert.equal((await fetch(`${gateway.url}/healthz`)).status, 200);
    assert.equal((await fetch(`${gateway.url}/readyz`)).status, 200);
    store.down = true;
    const down = await fetch(`${gateway.url}/readyz`);
    assert.equal(down.status, 503);
    assert.deepEqual(await down.json(), { status: 'unavailable', checks: { store: 'failing', keys: 'ok' } });
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    assert.match(metrics, /byline_store_errors_total\{operation="ping"\} 1/);
    store.down = false;
    assert.equal((await fetch(`${gateway.url}/readyz`)).status, 200);
  } finally {
    await gateway.close();
  }
});
