// Red-team finding 5: while the gateway fails, every token made the verify SDK fetch discovery or the
// JWKS again (100 forged tokens, 100 fetches against a gateway answering 503). A failed fetch now holds
// off further fetches for the cooldown, as a successful one does.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, type TestContext } from 'node:test';
import { type CommenterTokenErrorCode, createVerifier, type Verifier } from 'byline-verify';
import { startTestIssuer, type TestIssuer } from '../support/jwt-issuer.js';

const COOLDOWN = 30_000;

let gateway: TestIssuer;
beforeEach(async () => {
  gateway = await startTestIssuer();
});
afterEach(async () => {
  await gateway.close();
});

/** Tokens signed by an attacker's key, each under its own kid that the gateway never published. */
async function forgedTokens(count: number): Promise<string[]> {
  const attacker = await gateway.createKey('ES256', { publish: false });
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      gateway.sign(undefined, { key: attacker, header: { kid: `forged-${i}` } }),
    ),
  );
}

/** Verifies the tokens one after another (concurrent ones would share one fetch anyway). */
async function verifyEach(verifier: Verifier, tokens: string[], code: CommenterTokenErrorCode) {
  for (const token of tokens) {
    await assert.rejects(verifier.verify(token), { name: 'CommenterTokenError', code });
  }
}

/** Date (which the verifier's cooldowns read) under the test's control. */
function controlDate(t: TestContext): void {
  t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
}

describe('the verify SDK against a gateway that answers 503', () => {
  it('makes one discovery request for 100 forged tokens while discovery fails', async (t) => {
    controlDate(t);
    gateway.fail('all', 503);
    const verifier = createVerifier({ issuer: gateway.url, audience: 'blog', cooldown: COOLDOWN });

    await verifyEach(verifier, await forgedTokens(100), 'ERR_JWKS_UNAVAILABLE');
    assert.deepEqual(gateway.requests, { discovery: 1, jwks: 0, total: 1 });
  });

  it('asks again once the cooldown has passed, and recovers when the gateway does', async (t) => {
    controlDate(t);
    gateway.fail('all', 503);
    const verifier = createVerifier({ issuer: gateway.url, audience: 'blog', cooldown: COOLDOWN });
    await verifyEach(verifier, await forgedTokens(1), 'ERR_JWKS_UNAVAILABLE');

    t.mock.timers.tick(COOLDOWN - 1_000);
    await verifyEach(verifier, await forgedTokens(10), 'ERR_JWKS_UNAVAILABLE');
    assert.equal(gateway.requests.total, 1, 'still within the cooldown');

    t.mock.timers.tick(2_000);
    await verifyEach(verifier, await forgedTokens(10), 'ERR_JWKS_UNAVAILABLE');
    assert.equal(gateway.requests.total, 2, 'one more request after the cooldown');

    gateway.recover();
    t.mock.timers.tick(COOLDOWN + 1_000);
    assert.equal((await verifier.verify(await gateway.sign())).sub, 'wordpress:1234');
    assert.deepEqual(gateway.requests, { discovery: 3, jwks: 1, total: 4 });
  });

  it('makes one JWKS request for 100 forged tokens while the JWKS fails', async (t) => {
    controlDate(t);
    gateway.fail('jwks', 503);
    const verifier = createVerifier({ issuer: gateway.url, audience: 'blog', cooldown: COOLDOWN });

    await verifyEach(verifier, await forgedTokens(100), 'ERR_JWKS_UNAVAILABLE');
    assert.deepEqual(gateway.requests, { discovery: 1, jwks: 1, total: 2 });
  });

  it('makes one JWKS refetch for 100 unknown kids once the JWKS starts failing, and still accepts known keys', async (t) => {
    controlDate(t);
    const verifier = createVerifier({ issuer: gateway.url, audience: 'blog', cooldown: COOLDOWN });
    await verifier.verify(await gateway.sign());
    assert.deepEqual(gateway.requests, { discovery: 1, jwks: 1, total: 2 });

    gateway.fail('jwks', 503);
    t.mock.timers.tick(COOLDOWN + 1_000); // past the cooldown of the successful fetch
    await verifyEach(verifier, await forgedTokens(100), 'ERR_JWKS_UNAVAILABLE');
    assert.equal(gateway.requests.jwks, 2);

    // The cached key set is still fresh: a token under a key it holds needs no fetch.
    assert.equal((await verifier.verify(await gateway.sign())).sub, 'wordpress:1234');
    assert.equal(gateway.requests.total, 3);
  });
});
