import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { algorithmsInUse } from '../../src/tokens/algorithms.js';
import { KeyStore } from '../../src/tokens/keystore.js';
import { rotateKeys } from '../../src/tokens/rotate.js';
import { TestClock } from '../support/clock.js';

const MINUTE = 60_000;

const temps: string[] = [];
after(async () => {
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A config whose tokens all use ES256 (one key at a time), unless `idTokenAlgorithm` says otherwise. */
async function makeConfig(idTokenAlgorithm = 'ES256'): Promise<Config> {
  const root = await mkdtemp(join(tmpdir(), 'byline-reload-'));
  temps.push(root);
  return parseConfig(
    {
      publicUrl: 'http://127.0.0.1:3999',
      dataDir: 'data',
      tokens: { accessTtl: '10m', clockSkew: '60s', idTokenAlgorithm },
      keys: { activationDelay: '10m' },
      sites: { blog: { origins: ['https://blog.example'], redirectUris: ['https://blog.example/cb'] } },
      providers: { dev: { type: 'dev' } },
    },
    { env: {}, cwd: root },
  );
}

/** Two instances' key stores on one dataDir, sharing a clock. */
async function twoInstances() {
  const config = await makeConfig();
  const clock = new TestClock();
  const a = await KeyStore.open(config.dataDir, { algorithm: 'ES256', clock });
  const b = await KeyStore.open(config.dataDir, { algorithm: 'ES256', clock });
  const first = a.signingKey().kid;
  assert.equal(b.signingKey().kid, first);
  return { config, clock, a, b, first };
}

const published = (keys: KeyStore) => keys.jwks().keys.map((key) => key.kid);

/** Polls until `check` holds (for file-system events), failing after `ms`. */
async function eventually(check: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(20);
  }
}

describe('running instances pick up rotated keys', () => {
  test('after rotate and reload both instances publish the new key and neither signs with it before activation', async () => {
    const { config, clock, a, b, first } = await twoInstances();
    await rotateKeys(config, { now: false }, clock);
    assert.deepEqual(published(a), [first], 'nothing changes before a reload');
    await Promise.all([a.reload(), b.reload()]);
    const kids = published(a);
    assert.equal(kids.length, 2);
    assert.deepEqual(published(b), kids);
    const next = kids.find((kid) => kid !== first) as string;
    assert.equal(a.signingKey().kid, first);
    assert.equal(b.signingKey().kid, first);

    clock.advance(10 * MINUTE - 1);
    assert.equal(a.signingKey().kid, first, 'not a millisecond early');
    clock.advance(1);
    assert.equal(a.signingKey().kid, next);
    assert.equal(b.signingKey().kid, next);
    assert.deepEqual(published(b).sort(), [first, next].sort(), 'the old key stays published for its tokens');

    clock.advance(10 * MINUTE + MINUTE);
    assert.deepEqual(published(a), [next], 'retired after accessTtl + clockSkew');
    assert.deepEqual(published(b), [next]);
  });

  test('autoReload notices a rotation through the file watcher', async () => {
    const { config, clock, b, first } = await twoInstances();
    const errors: unknown[] = [];
    const stop = b.autoReload({ intervalMs: 3_600_000, onError: (error) => errors.push(error) });
    try {
      await rotateKeys(config, { now: false }, clock);
      await eventually(() => published(b).length === 2);
      assert.equal(b.signingKey().kid, first);
    } finally {
      stop();
    }
    assert.deepEqual(errors, []);
  });

  test('autoReload notices a rotation on its interval without the watcher', async () => {
    const { config, clock, b } = await twoInstances();
    const stop = b.autoReload({ intervalMs: 50, watch: false });
    try {
      await rotateKeys(config, { now: false }, clock);
      await eventually(() => published(b).length === 2);
    } finally {
      stop();
    }
  });

  test('a failed reload keeps the keys loaded before and reports the error', async () => {
    const { a, first } = await twoInstances();
    const broken = join(a.dir, 'broken.json');
    await writeFile(broken, '{ not json');
    await assert.rejects(a.reload());
    assert.equal(a.signingKey().kid, first);
    assert.deepEqual(published(a), [first]);
    const errors: unknown[] = [];
    const stop = a.autoReload({ intervalMs: 20, watch: false, onError: (error) => errors.push(error) });
    await eventually(() => errors.length > 0);
    stop();
    await rm(broken);
    await a.reload();
    assert.deepEqual(published(a), [first]);
  });
});

describe('a reload of unchanged files keeps the loaded objects', () => {
  /** Everything callers cache work by: the signing key object, the subject key, the JWKS and its keys. */
  const snapshot = (keys: KeyStore) => ({
    signing: keys.signingKey().key,
    rootSecret: keys.rootSecret,
    jwks: keys.jwks(),
    publicJwk: keys.jwks().keys[0],
    record: keys.list()[0]?.record,
  });

  test('after a reload with the same bytes every object is the very same (===)', async () => {
    const { a } = await twoInstances();
    const before = snapshot(a);
    await a.reload();
    await a.reload();
    const after = snapshot(a);
    assert.equal(after.signing, before.signing, 'the signing key object');
    assert.equal(
      after.rootSecret,
      before.rootSecret,
      'the subject key Buffer (derived keys are cached by it)',
    );
    assert.equal(after.jwks, before.jwks, 'the JWKS object');
    assert.equal(after.publicJwk, before.publicJwk, 'the published JWK');
    assert.equal(after.record, before.record, 'the key record');
  });

  test('after a rotation the new key appears, and the unchanged subject key stays the same object', async () => {
    const { config, clock, a, first } = await twoInstances();
    const before = snapshot(a);
    await rotateKeys(config, { now: false }, clock);
    await a.reload();
    const kids = published(a);
    assert.equal(kids.length, 2);
    assert.ok(kids.includes(first));
    assert.notEqual(a.jwks(), before.jwks, 'a new key set is a new JWKS object');
    assert.equal(a.rootSecret, before.rootSecret);
    assert.equal(a.signingKey().kid, first, 'the old key signs until the new one activates');
    // Reloading again changes nothing more.
    const rotated = snapshot(a);
    await a.reload();
    assert.deepEqual(snapshot(a), rotated);
    assert.equal(a.jwks(), rotated.jwks);
    assert.equal(a.signingKey().key, rotated.signing);
  });

  test('with an ES256 and an RS256 key, a reload keeps every object, before and after a rotation', async () => {
    const config = await makeConfig('RS256');
    const clock = new TestClock();
    const keys = await KeyStore.open(config.dataDir, {
      algorithm: 'ES256',
      algorithms: algorithmsInUse(config),
      clock,
    });
    const both = () => ({
      ...snapshot(keys),
      rs: keys.signingKey('RS256').key,
      published: [...keys.jwks().keys],
    });
    const before = both();
    assert.equal(before.published.length, 2);
    await keys.reload();
    assert.deepEqual(both(), before);
    assert.equal(keys.jwks(), before.jwks, 'the JWKS object');
    assert.equal(keys.signingKey().key, before.signing);
    assert.equal(keys.signingKey('RS256').key, before.rs);
    keys.jwks().keys.forEach((jwk, i) => {
      assert.equal(jwk, before.published[i], `the ${jwk.alg} key`);
    });

    await rotateKeys(config, { now: false }, clock);
    await keys.reload();
    const rotated = both();
    assert.equal(rotated.published.length, 4, 'a new key of each algorithm');
    assert.notEqual(rotated.jwks, before.jwks);
    assert.equal(rotated.rootSecret, before.rootSecret);
    await keys.reload();
    assert.equal(keys.jwks(), rotated.jwks, 'the JWKS object');
    assert.equal(keys.signingKey('RS256').key, rotated.rs);
    keys.jwks().keys.forEach((jwk, i) => {
      assert.equal(jwk, rotated.published[i], `the ${jwk.alg} key`);
    });
  });

  test('a subject key file rewritten with other bytes is read anew', async () => {
    const { a } = await twoInstances();
    const before = a.rootSecret;
    const replacement = Buffer.alloc(32, 7);
    await writeFile(join(a.dir, 'subject.key'), replacement.toString('base64url'));
    await a.reload();
    assert.notEqual(a.rootSecret, before);
    assert.deepEqual(a.rootSecret, replacement);
  });
});
