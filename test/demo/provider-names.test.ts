import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { providerNames } from '../../src/demo/provider-names.js';
import { TestClock } from '../support/clock.js';
import { startGateway, type TestGateway } from '../support/gateway.js';

let gateway: TestGateway;

before(async () => {
  gateway = await startGateway({
    config: { providers: { dev: { type: 'dev' } } },
  });
});
after(() => gateway.close());

/** Byline's real /widget/config behind a fetch that counts its calls and can be cut off. */
function counting() {
  const state = { calls: 0, down: false };
  const get: typeof fetch = async (input, init) => {
    state.calls++;
    if (state.down) throw new TypeError('fetch failed');
    return fetch(input, init);
  };
  return { state, get };
}

test('the names are Byline’s /widget/config names, fetched again only after five minutes', async () => {
  const clock = new TestClock();
  const { state, get } = counting();
  const names = providerNames({ issuer: gateway.url, site: 'blog', fetch: get, now: () => clock.now() });
  assert.deepEqual([...(await names())], [['dev', 'Dev login']]);
  await names();
  clock.advance(4 * 60_000);
  await names();
  assert.equal(state.calls, 1);
  clock.advance(60_000);
  assert.equal((await names()).get('dev'), 'Dev login');
  assert.equal(state.calls, 2);
});

test('while Byline cannot be reached the names known stay, and the fetch is tried again after 30 s', async () => {
  const clock = new TestClock();
  const { state, get } = counting();
  const names = providerNames({ issuer: gateway.url, site: 'blog', fetch: get, now: () => clock.now() });
  state.down = true;
  assert.equal((await names()).size, 0, 'nothing known yet: the page shows provider ids');
  state.down = false;
  clock.advance(30_000);
  assert.equal((await names()).get('dev'), 'Dev login');
  clock.advance(5 * 60_000);
  state.down = true;
  assert.equal((await names()).get('dev'), 'Dev login');
  const calls = state.calls;
  clock.advance(10_000);
  await names();
  assert.equal(state.calls, calls, 'no new try within 30 s of a failure');
});

test('an unknown site, or entries that are not an id and a short name, give no names', async () => {
  const clock = new TestClock();
  const unknown = providerNames({ issuer: gateway.url, site: 'nope', now: () => clock.now() });
  assert.equal((await unknown()).size, 0);
  const odd: typeof fetch = async () =>
    Response.json({
      providers: [{ id: 'x', name: 'X' }, { id: 1, name: 'one' }, null, { id: 'y', name: 'y'.repeat(101) }],
    });
  const names = providerNames({ issuer: gateway.url, site: 'blog', fetch: odd, now: () => clock.now() });
  assert.deepEqual([...(await names())], [['x', 'X']]);
});
