import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createVerifier } from 'byline-gateway/verify';
import { decodeProtectedHeader } from 'jose';
import { accessTokenFor } from '../../src/oauth/login/issue.js';
import type { LoginRecord } from '../../src/oauth/login/records.js';
import { rotateKeys } from '../../src/tokens/rotate.js';
import { TestClock } from '../support/clock.js';
import { startGateway } from '../support/gateway.js';

/** Real time: the verifier's JWKS cache and cooldown run on the wall clock, so the gateway must too. */
class WallClock extends TestClock {
  override now(): number {
    return Date.now();
  }
}

test('a backend verifying tokens throughout a key rotation sees no failure', async () => {
  const gateway = await startGateway({ clock: new WallClock(), config: { keys: { activationDelay: '2s' } } });
  try {
    // A verifier whose JWKS cache lives no longer than the activation delay, as the defaults pair them.
    const verifier = createVerifier({ issuer: gateway.url, audience: 'blog', cacheMaxAge: 2000 });
    const record: LoginRecord = {
      identity: { provider: 'dev', id: 'rotation', name: 'Rotation Reader', emailVerified: false },
      expires: Date.now() + 60_000,
      next: 1,
      sites: {},
    };
    const kids = new Set<string>();
    let verified = 0;
    const failures: string[] = [];
    const started = Date.now();
    let rotated = false;
    while (Date.now() - started < 5000) {
      if (!rotated && Date.now() - started > 800) {
        await rotateKeys(gateway.config, { now: false });
        await gateway.ctx.keys.reload();
        rotated = true;
      }
      const token = await accessTokenFor(gateway.ctx, 'sid-rotation', record, { site: 'blog' });
      kids.add(String(decodeProtectedHeader(token).kid));
      try {
        await verifier.verify(token);
        verified++;
      } catch (error) {
        failures.push((error as { code?: string }).code ?? String(error));
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.deepEqual(failures, []);
    assert.equal(kids.size, 2, 'tokens were signed with the old key, then the new one');
    assert.ok(verified > 50);
  } finally {
    await gateway.close();
  }
});
