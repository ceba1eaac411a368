import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { algorithmsInUse } from '../../src/tokens/algorithms.js';
import { type KeyState, KeyStore } from '../../src/tokens/keystore.js';
import { describeRotation, listKeys, type Rotation, rotateKeys } from '../../src/tokens/rotate.js';
import { TestClock } from '../support/clock.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const ACTIVATION_DELAY = 10 * MINUTE;
const ACCESS_TTL = 15 * MINUTE;
const CLOCK_SKEW = MINUTE;

const temps: string[] = [];
after(async () => {
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

/**
 * A config (built as a YAML file would give it) with its own fresh dataDir. ID tokens use the access
 * tokens' algorithm unless told otherwise, so that there is one key at a time.
 */
async function makeConfig(algorithm = 'ES256', idTokenAlgorithm = algorithm): Promise<Config> {
  const root = await mkdtemp(join(tmpdir(), 'byline-rotate-'));
  temps.push(root);
  return parseConfig(
    {
      publicUrl: 'http://127.0.0.1:3999',
      dataDir: 'data',
      tokens: { algorithm, idTokenAlgorithm, accessTtl: '15m', clockSkew: '60s' },
      keys: { activationDelay: '10m' },
      sites: { blog: { origins: ['https://blog.example'], redirectUris: ['https://blog.example/cb'] } },
      providers: { dev: { type: 'dev' } },
    },
    { env: {}, cwd: root },
  );
}

/** The key store as the gateway holds it, plus the kid it started with. */
async function setup(algorithm = 'ES256', idTokenAlgorithm = algorithm) {
  const config = await makeConfig(algorithm, idTokenAlgorithm);
  const clock = new TestClock();
  const keys = await KeyStore.open(config.dataDir, {
    algorithm: config.tokens.algorithm,
    algorithms: algorithmsInUse(config),
    clock,
  });
  return { config, clock, keys, oldKid: keys.signingKey().kid };
}

const published = (keys: KeyStore) => keys.jwks().keys.map((jwk) => jwk.kid);
const states = (keys: KeyStore): Record<string, KeyState> =>
  Object.fromEntries(keys.list().map(({ record, state }) => [record.kid, state]));
/** The kid of the one key a rotation added. */
function kidOf(rotation: Rotation): string {
  assert.equal(rotation.added.length, 1, 'one algorithm in use, one new key');
  return rotation.added[0]?.kid as string;
}

/**
 * Lets `duration` pass in 15 s steps and checks at every step what verifiers rely on: each key that
 * signed stays in the JWKS until accessTtl + clockSkew after it last signed. Answers the kids that signed.
 */
function followSchedule(keys: KeyStore, clock: TestClock, duration: number): Set<string> {
  const lastSigned = new Map<string, number>();
  for (const end = clock.now() + duration; clock.now() <= end; clock.advance(15_000)) {
    lastSigned.set(keys.signingKey().kid, clock.now());
    const jwks = published(keys);
    for (const [kid, at] of lastSigned) {
      if (clock.now() < at + ACCESS_TTL + CLOCK_SKEW) {
        assert.ok(jwks.includes(kid), `${kid} signed ${clock.now() - at} ms ago and must still be published`);
      }
    }
  }
  return new Set(lastSigned.keys());
}

describe('rotating keys with a delay', () => {
  test('the new key is published at once and is next, while the old key keeps signing', async () => {
    const { config, clock, keys, oldKid } = await setup();
    clock.advance(MINUTE);
    const newKid = kidOf(await rotateKeys(config, { now: false }, clock));
    assert.notEqual(newKid, oldKid);
    await keys.reload();
    assert.deepEqual(new Set(published(keys)), new Set([oldKid, newKid]));
    assert.equal(keys.signingKey().kid, oldKid);
    assert.deepEqual(states(keys), { [oldKid]: 'active', [newKid]: 'next' });
    clock.advance(ACTIVATION_DELAY - 1);
    assert.equal(keys.signingKey().kid, oldKid, 'the old key signs until the delay has passed');
  });

  test('after keys.activationDelay the new key signs and the old one is retiring, still published', async () => {
    const { config, clock, keys, oldKid } = await setup();
    const newKid = kidOf(await rotateKeys(config, { now: false }, clock));
    clock.advance(ACTIVATION_DELAY);
    await keys.reload();
    assert.equal(keys.signingKey().kid, newKid);
    assert.deepEqual(states(keys), { [oldKid]: 'retiring', [newKid]: 'active' });
    assert.deepEqual(new Set(published(keys)), new Set([oldKid, newKid]));
  });

  test('accessTtl + clockSkew after the switch the old key is retired and leaves the JWKS', async () => {
    const { config, clock, keys, oldKid } = await setup();
    const newKid = kidOf(await rotateKeys(config, { now: false }, clock));
    clock.advance(ACTIVATION_DELAY + ACCESS_TTL + CLOCK_SKEW - 1);
    await keys.reload();
    assert.ok(published(keys).includes(oldKid), 'a token the old key signed last may still be valid');
    clock.advance(1);
    await keys.reload();
    assert.deepEqual(states(keys), { [oldKid]: 'retired', [newKid]: 'active' });
    assert.deepEqual(published(keys), [newKid]);
    assert.equal(keys.signingKey().kid, newKid);
  });

  test('every key that signed stays published while its tokens may live', async () => {
    const { config, clock, keys, oldKid } = await setup();
    clock.advance(MINUTE);
    const newKid = kidOf(await rotateKeys(config, { now: false }, clock));
    await keys.reload();
    assert.deepEqual(followSchedule(keys, clock, 2 * HOUR), new Set([oldKid, newKid]));
    assert.deepEqual(published(keys), [newKid]);
  });

  test('a running key store follows the schedule without another reload', async () => {
    const { config, clock, keys, oldKid } = await setup();
    assert.deepEqual(published(keys), [oldKid]);
    const newKid = kidOf(await rotateKeys(config, { now: false }, clock));
    await keys.reload();
    assert.deepEqual(new Set(published(keys)), new Set([oldKid, newKid]));
    clock.advance(ACTIVATION_DELAY);
    assert.equal(keys.signingKey().kid, newKid);
    clock.advance(ACCESS_TTL + CLOCK_SKEW);
    assert.deepEqual(published(keys), [newKid], 'the memoised JWKS is refreshed when a key retires');
  });

  test('the old key file records when it retires; the new one when it activates', async () => {
    const { config, clock, keys, oldKid } = await setup();
    const start = clock.now();
    const newKid = kidOf(await rotateKeys(config, { now: false }, clock));
    await keys.reload();
    const records = Object.fromEntries(keys.list().map(({ record }) => [record.kid, record]));
    assert.equal(records[newKid]?.created, start);
    assert.equal(records[newKid]?.activates, start + ACTIVATION_DELAY);
    assert.equal(records[newKid]?.retires, undefined);
    assert.equal(records[oldKid]?.retires, start + ACTIVATION_DELAY + ACCESS_TTL + CLOCK_SKEW);
  });

  test('rotation keeps the key files private (0600) and leaves no temporary files', async () => {
    const { config, clock, keys } = await setup();
    await rotateKeys(config, { now: false }, clock);
    const names = await readdir(keys.dir);
    assert.equal(names.length, 3);
    assert.equal(names.filter((name) => name.endsWith('.json')).length, 2);
    for (const name of names) assert.equal((await stat(join(keys.dir, name))).mode & 0o777, 0o600, name);
  });

  test('the subject key survives a rotation', async () => {
    const { config, clock, keys } = await setup();
    const before = Buffer.from(keys.rootSecret);
    await rotateKeys(config, { now: false }, clock);
    await keys.reload();
    assert.deepEqual(keys.rootSecret, before);
  });

  test('a rotation to another algorithm publishes both algorithms until the old key retires', async () => {
    const { config, clock, keys, oldKid } = await setup('ES256');
    const rotated = {
      ...config,
      tokens: { ...config.tokens, algorithm: 'EdDSA' as const, idTokenAlgorithm: 'EdDSA' as const },
    };
    const rotation = await rotateKeys(rotated, { now: false }, clock);
    const newKid = kidOf(rotation);
    assert.deepEqual(rotation.superseded, [
      {
        kid: oldKid,
        alg: 'ES256',
        retires: clock.now() + ACTIVATION_DELAY + ACCESS_TTL + CLOCK_SKEW,
        inUse: false,
      },
    ]);
    // The gateway restarted with the new config signs with the new key once it is active.
    const restarted = await KeyStore.open(config.dataDir, { algorithm: 'EdDSA', clock });
    assert.deepEqual(restarted.added, [], 'the pending EdDSA key is the one it will use');
    clock.advance(ACTIVATION_DELAY);
    await keys.reload();
    assert.equal(restarted.signingKey().kid, newKid);
    assert.equal(keys.signingKey('EdDSA').kid, newKid);
    const algs = Object.fromEntries(keys.jwks().keys.map((jwk) => [jwk.kid, jwk.alg]));
    assert.deepEqual(algs, { [oldKid]: 'ES256', [newKid]: 'EdDSA' });
    clock.advance(ACCESS_TTL + CLOCK_SKEW);
    assert.deepEqual(published(keys), [newKid]);
  });
});

describe('rotating keys with --now', () => {
  test('the new key signs at once and the old one is retiring', async () => {
    const { config, clock, keys, oldKid } = await setup();
    clock.advance(MINUTE);
    const newKid = kidOf(await rotateKeys(config, { now: true }, clock));
    await keys.reload();
    assert.equal(keys.signingKey().kid, newKid);
    assert.deepEqual(states(keys), { [oldKid]: 'retiring', [newKid]: 'active' });
    clock.advance(ACCESS_TTL + CLOCK_SKEW);
    assert.deepEqual(published(keys), [newKid]);
  });

  test('the new key signs at once even when the first key was made in the same millisecond', async () => {
    for (let round = 0; round < 8; round++) {
      const { config, clock, keys, oldKid } = await setup();
      const newKid = kidOf(await rotateKeys(config, { now: true }, clock));
      await keys.reload();
      assert.equal(keys.signingKey().kid, newKid, `round ${round}`);
      assert.deepEqual(states(keys), { [oldKid]: 'retiring', [newKid]: 'active' });
    }
  });

  test('a key still waiting to sign is superseded by the emergency key and never signs', async () => {
    const { config, clock, keys, oldKid } = await setup();
    const pendingKid = kidOf(await rotateKeys(config, { now: false }, clock));
    clock.advance(MINUTE);
    const emergencyKid = kidOf(await rotateKeys(config, { now: true }, clock));
    await keys.reload();
    assert.equal(keys.signingKey().kid, emergencyKid);
    assert.equal(states(keys)[pendingKid], 'retired');
    assert.deepEqual(new Set(published(keys)), new Set([oldKid, emergencyKid]));
    const signers = followSchedule(keys, clock, 2 * HOUR);
    assert.deepEqual(signers, new Set([emergencyKid]));
    assert.deepEqual(published(keys), [emergencyKid]);
  });
});

describe('rotating twice with a delay', () => {
  test('each key signs in turn and is published for as long as its tokens live', async () => {
    const { config, clock, keys, oldKid } = await setup();
    const second = kidOf(await rotateKeys(config, { now: false }, clock));
    clock.advance(2 * MINUTE);
    const third = kidOf(await rotateKeys(config, { now: false }, clock));
    await keys.reload();
    assert.deepEqual(states(keys), { [oldKid]: 'active', [second]: 'next', [third]: 'next' });
    clock.advance(ACTIVATION_DELAY - 2 * MINUTE);
    assert.equal(keys.signingKey().kid, second);
    clock.advance(2 * MINUTE);
    assert.equal(keys.signingKey().kid, third);
    assert.deepEqual(new Set(published(keys)), new Set([oldKid, second, third]));
    clock.advance(ACCESS_TTL + CLOCK_SKEW);
    assert.deepEqual(published(keys), [third]);
  });

  test('with two rotations pending, every key that signed stays published while its tokens may live', async () => {
    const { config, clock, keys, oldKid } = await setup();
    const second = kidOf(await rotateKeys(config, { now: false }, clock));
    clock.advance(2 * MINUTE);
    const third = kidOf(await rotateKeys(config, { now: false }, clock));
    await keys.reload();
    assert.deepEqual(followSchedule(keys, clock, 2 * HOUR), new Set([oldKid, second, third]));
    assert.deepEqual(published(keys), [third]);
  });
});

describe('keys list', () => {
  const ISO = String.raw`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z`;
  const HEADER = /^KID +ALG +STATE +CREATED +ACTIVATES +RETIRES$/;
  const LINE = new RegExp(
    `^([\\w-]{43}) +(ES256|EdDSA|RS256) +(next|active|retiring|retired) +(${ISO}) +(${ISO}) +(${ISO}|-)$`,
  );

  /** The rows under the header, checking that every column starts where its heading does. */
  function parseLines(output: string) {
    assert.ok(output.endsWith('\n'));
    const [header = '', ...rows] = output.slice(0, -1).split('\n');
    assert.match(header, HEADER);
    const starts = ['KID', 'ALG', 'STATE', 'CREATED', 'ACTIVATES', 'RETIRES'].map((name) =>
      header.indexOf(name),
    );
    return rows.map((line) => {
      const match = LINE.exec(line);
      assert.ok(match, `"${line}" is "kid alg state created activates retires"`);
      const [, kid, alg, state, created, activates, retires] = match;
      const cells = [kid, alg, state, created, activates, retires] as string[];
      assert.deepEqual(
        cells.map((cell, column) => line.indexOf(cell, starts[column])),
        starts,
        `"${line}" is aligned under "${header}"`,
      );
      return { kid, alg, state, created, activates, retires };
    });
  }

  test('prints a header and one aligned line per key: kid alg state created activates retires', async () => {
    const { config, clock, oldKid } = await setup();
    const start = new Date(clock.now()).toISOString();
    assert.deepEqual(parseLines(await listKeys(config, clock)), [
      { kid: oldKid, alg: 'ES256', state: 'active', created: start, activates: start, retires: '-' },
    ]);
  });

  test('on a fresh dataDir it says there are no keys yet and creates none', async () => {
    const config = await makeConfig();
    const output = await listKeys(config, new TestClock());
    assert.equal(
      output,
      `No signing keys in ${join(config.dataDir, 'keys')} yet: \`byline serve\` creates them when it first starts (or run \`byline keys rotate\`).\n`,
    );
    assert.equal(existsSync(config.dataDir), false, 'the dataDir is not created');
  });

  test('shows the states and dates through a rotation', async () => {
    const { config, clock, oldKid } = await setup('EdDSA');
    const iso = (ms: number) => new Date(ms).toISOString();
    const t0 = clock.now();
    clock.advance(MINUTE);
    const rotation = await rotateKeys(config, { now: false }, clock);
    const newKid = kidOf(rotation);
    const switchAt = t0 + MINUTE + ACTIVATION_DELAY;
    const retiresAt = switchAt + ACCESS_TTL + CLOCK_SKEW;
    assert.deepEqual(rotation.added, [
      {
        kid: newKid,
        alg: 'EdDSA',
        state: 'next',
        created: t0 + MINUTE,
        activates: switchAt,
      },
    ]);
    assert.deepEqual(rotation.superseded, [{ kid: oldKid, alg: 'EdDSA', retires: retiresAt, inUse: true }]);

    const byKid = async () =>
      Object.fromEntries(parseLines(await listKeys(config, clock)).map((line) => [line.kid, line]));
    let lines = await byKid();
    assert.deepEqual(lines[oldKid], {
      kid: oldKid,
      alg: 'EdDSA',
      state: 'active',
      created: iso(t0),
      activates: iso(t0),
      retires: iso(retiresAt),
    });
    assert.equal(lines[newKid]?.state, 'next');
    assert.equal(lines[newKid]?.retires, '-');

    clock.advance(ACTIVATION_DELAY);
    lines = await byKid();
    assert.equal(lines[oldKid]?.state, 'retiring');
    assert.equal(lines[newKid]?.state, 'active');

    clock.advance(ACCESS_TTL + CLOCK_SKEW);
    lines = await byKid();
    assert.equal(lines[oldKid]?.state, 'retired', 'retired keys are still listed');
    assert.equal(lines[newKid]?.state, 'active');
  });
});

describe('what keys rotate says', () => {
  test('a delayed rotation says in a sentence when the new key starts signing, and until when the old one is published', async () => {
    const { config, clock, oldKid } = await setup();
    const rotation = await rotateKeys(config, { now: false }, clock);
    const switchAt = new Date(clock.now() + ACTIVATION_DELAY).toISOString();
    const retires = new Date(clock.now() + ACTIVATION_DELAY + ACCESS_TTL + CLOCK_SKEW).toISOString();
    assert.equal(
      describeRotation(rotation),
      `Added signing key ${kidOf(rotation)} (ES256) to ${join(config.dataDir, 'keys')}.
It is published in the JWKS now and starts signing at ${switchAt} (in 10 minutes), once every verifier's cached key set holds it.
Key ${oldKid} (ES256) signs until then and stays published until ${retires}, so that the tokens it signed still verify.
Running gateways on this dataDir pick the new key up within 30 seconds.
`,
    );
  });

  test('rotate --now says the new key signs from now on', async () => {
    const { config, clock, oldKid } = await setup();
    const rotation = await rotateKeys(config, { now: true }, clock);
    assert.equal(rotation.added[0]?.state, 'active');
    assert.equal(rotation.added[0]?.activates, rotation.added[0]?.created);
    const text = describeRotation(rotation);
    assert.match(text, /^It signs from now on \(--now\)/m);
    const retires = new Date(clock.now() + ACCESS_TTL + CLOCK_SKEW).toISOString();
    assert.match(
      text,
      new RegExp(`^Key ${oldKid} \\(ES256\\) stays published until ${retires.replaceAll('.', '\\.')},`, 'm'),
    );
  });

  test('a pending key that an emergency rotation supersedes is said to be withdrawn', async () => {
    const { config, clock } = await setup();
    const pending = kidOf(await rotateKeys(config, { now: false }, clock));
    const text = describeRotation(await rotateKeys(config, { now: true }, clock));
    assert.match(
      text,
      new RegExp(`^Key ${pending} \\(ES256\\) had not started signing and is withdrawn\\.$`, 'm'),
    );
  });
});

describe('rotating the keys of every algorithm in use', () => {
  /** The kid that signs now for each algorithm. */
  const signers = (keys: KeyStore) => ({
    ES256: keys.signingKey('ES256').kid,
    RS256: keys.signingKey('RS256').kid,
  });
  const byAlg = (rotation: Rotation) =>
    Object.fromEntries(rotation.added.map(({ alg, kid }) => [alg, kid])) as Record<string, string>;

  test('with the default ID-token algorithm a rotation adds an ES256 and an RS256 key, each taking over from its own', async () => {
    const { config, clock, keys } = await setup('ES256', 'RS256');
    const old = signers(keys);
    const rotation = await rotateKeys(config, { now: false }, clock);
    assert.deepEqual(
      rotation.added.map(({ alg, state }) => [alg, state]),
      [
        ['ES256', 'next'],
        ['RS256', 'next'],
      ],
    );
    const added = byAlg(rotation);
    const retires = clock.now() + ACTIVATION_DELAY + ACCESS_TTL + CLOCK_SKEW;
    assert.deepEqual(
      new Set(rotation.superseded.map((entry) => JSON.stringify(entry))),
      new Set([
        JSON.stringify({ kid: old.ES256, alg: 'ES256', retires, inUse: true }),
        JSON.stringify({ kid: old.RS256, alg: 'RS256', retires, inUse: true }),
      ]),
    );
    await keys.reload();
    assert.equal(published(keys).length, 4);
    assert.deepEqual(signers(keys), old, 'the old keys sign until the delay has passed');
    clock.advance(ACTIVATION_DELAY);
    assert.deepEqual(signers(keys), { ES256: added.ES256, RS256: added.RS256 });
    assert.deepEqual(states(keys), {
      [old.ES256]: 'retiring',
      [old.RS256]: 'retiring',
      [added.ES256 as string]: 'active',
      [added.RS256 as string]: 'active',
    });
    clock.advance(ACCESS_TTL + CLOCK_SKEW);
    assert.deepEqual(new Set(published(keys)), new Set([added.ES256, added.RS256]));
  });

  test('with --now both new keys sign at once', async () => {
    const { config, clock, keys } = await setup('ES256', 'RS256');
    const added = byAlg(await rotateKeys(config, { now: true }, clock));
    await keys.reload();
    assert.deepEqual(signers(keys), { ES256: added.ES256, RS256: added.RS256 });
  });

  test('keys rotate names each new key and its algorithm, and each key it replaces', async () => {
    const { config, clock, keys } = await setup('ES256', 'RS256');
    const old = signers(keys);
    const rotation = await rotateKeys(config, { now: false }, clock);
    const added = byAlg(rotation);
    const switchAt = new Date(clock.now() + ACTIVATION_DELAY).toISOString();
    const retires = new Date(clock.now() + ACTIVATION_DELAY + ACCESS_TTL + CLOCK_SKEW).toISOString();
    const lines = describeRotation(rotation).split('\n');
    assert.deepEqual(lines.slice(0, 2), [
      `Added signing keys ${added.ES256} (ES256) and ${added.RS256} (RS256) to ${join(config.dataDir, 'keys')}.`,
      `They are published in the JWKS now and start signing at ${switchAt} (in 10 minutes), once every verifier's cached key set holds them.`,
    ]);
    assert.deepEqual(
      new Set(lines.slice(2, 4)),
      new Set(
        Object.entries(old).map(
          ([alg, kid]) =>
            `Key ${kid} (${alg}) signs until then and stays published until ${retires}, so that the tokens it signed still verify.`,
        ),
      ),
    );
    assert.deepEqual(lines.slice(4), [
      'Running gateways on this dataDir pick the new keys up within 30 seconds.',
      '',
    ]);
    const now = describeRotation(await rotateKeys(config, { now: true }, clock));
    assert.match(now, /^They sign from now on \(--now\)/m);
  });

  test('a key of an algorithm no longer in use gets no successor and leaves once its tokens have expired', async () => {
    const { config, clock, keys } = await setup('ES256', 'EdDSA');
    const oldEd = keys.signingKey('EdDSA').kid;
    const esOnly = await makeConfig('ES256', 'ES256');
    const rotation = await rotateKeys({ ...esOnly, dataDir: config.dataDir }, { now: false }, clock);
    assert.deepEqual(
      rotation.added.map(({ alg }) => alg),
      ['ES256'],
    );
    const retires = clock.now() + ACTIVATION_DELAY + ACCESS_TTL + CLOCK_SKEW;
    assert.deepEqual(
      rotation.superseded.find(({ kid }) => kid === oldEd),
      { kid: oldEd, alg: 'EdDSA', retires, inUse: false },
    );
    assert.match(
      describeRotation(rotation),
      new RegExp(
        `^Key ${oldEd} \\(EdDSA\\) is of an algorithm no longer in use and stays published until ${new Date(retires).toISOString().replaceAll('.', '\\.')}, so that the tokens it signed still verify\\.$`,
        'm',
      ),
    );
    await keys.reload();
    clock.advance(ACTIVATION_DELAY + ACCESS_TTL + CLOCK_SKEW - 1);
    assert.ok(published(keys).includes(oldEd));
    clock.advance(1);
    assert.equal(published(keys).includes(oldEd), false);
    assert.deepEqual(
      keys.jwks().keys.map((jwk) => jwk.alg),
      ['ES256'],
    );
  });

  test('rotating a key set made before ID tokens adds a pending RS256 key, which a gateway started then uses without adding another', async () => {
    const config = await makeConfig('ES256', 'RS256');
    const clock = new TestClock();
    const legacy = await KeyStore.open(config.dataDir, { algorithm: 'ES256', clock });
    const oldKid = legacy.signingKey().kid;
    const rotation = await rotateKeys(config, { now: false }, clock);
    const added = byAlg(rotation);
    assert.deepEqual(Object.keys(added).sort(), ['ES256', 'RS256']);
    assert.deepEqual(
      rotation.superseded.map(({ kid }) => kid),
      [oldKid],
    );
    await legacy.reload();
    assert.deepEqual(states(legacy), {
      [oldKid]: 'active',
      [added.ES256 as string]: 'next',
      // The only RS256 key: with no older one to sign in its place, it signs already.
      [added.RS256 as string]: 'active',
    });
    const gateway = await KeyStore.open(config.dataDir, {
      algorithm: 'ES256',
      algorithms: algorithmsInUse(config),
      clock,
    });
    assert.deepEqual(gateway.added, [], 'the pending RS256 key is enough');
    assert.equal(gateway.signingKey().kid, oldKid);
    assert.equal(gateway.signingKey('RS256').kid, added.RS256, 'the only RS256 key signs before its time');
    assert.equal(published(gateway).length, 3);
  });

  test('keys list shows the keys of every algorithm, each with its own state', async () => {
    const { config, clock } = await setup('ES256', 'RS256');
    await rotateKeys(config, { now: false }, clock);
    const rows = (await listKeys(config, clock)).trim().split('\n').slice(1);
    const cells = rows.map((row) => row.split(/ +/).slice(1, 3).join(' ')).sort();
    assert.deepEqual(cells, ['ES256 active', 'ES256 next', 'RS256 active', 'RS256 next']);
  });
});
