// The keys a running gateway publishes and signs with, seen from outside: its JWKS over HTTP.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { JWK } from 'jose';
import { KeyStore } from '../../src/tokens/keystore.js';
import { rotateKeys } from '../../src/tokens/rotate.js';
import { TestClock } from '../support/clock.js';
import { startGateway } from '../support/gateway.js';

const MINUTE = 60_000;

const temps: string[] = [];
after(async () => {
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function publishedKeys(url: string): Promise<JWK[]> {
  const response = await fetch(`${url}/.well-known/jwks.json`);
  assert.equal(response.status, 200);
  return ((await response.json()) as { keys: JWK[] }).keys;
}

const algsOf = (keys: JWK[]) => keys.map((jwk) => jwk.alg).sort();

test('a gateway with the default config publishes an ES256 key for access tokens and an RS256 key for ID tokens', async () => {
  const gateway = await startGateway();
  try {
    const keys = await publishedKeys(gateway.url);
    assert.deepEqual(algsOf(keys), ['ES256', 'RS256']);
    assert.equal(gateway.ctx.keys.signingKey().alg, 'ES256');
    const rs = keys.find((jwk) => jwk.alg === 'RS256');
    assert.equal(rs?.kty, 'RSA');
    assert.equal(gateway.ctx.keys.signingKey('RS256').kid, rs?.kid);
  } finally {
    await gateway.close();
  }
});

test('a site with its own idTokenAlgorithm brings a key of that algorithm too', async () => {
  const gateway = await startGateway({
    config: {
      sites: {
        blog: {
          origins: ['https://blog.example'],
          redirectUris: ['https://blog.example/callback'],
          idTokenAlgorithm: 'EdDSA',
        },
      },
    },
  });
  try {
    assert.deepEqual(algsOf(await publishedKeys(gateway.url)), ['ES256', 'EdDSA', 'RS256']);
  } finally {
    await gateway.close();
  }
});

test('keys rotate on a running gateway rotates the ES256 and the RS256 key, each on the same schedule', async () => {
  const clock = new TestClock();
  const gateway = await startGateway({ clock, config: { keys: { activationDelay: '10m' } } });
  try {
    const before = await publishedKeys(gateway.url);
    const old = {
      ES256: gateway.ctx.keys.signingKey().kid,
      RS256: gateway.ctx.keys.signingKey('RS256').kid,
    };
    const rotation = await rotateKeys(gateway.config, { now: false }, clock);
    await gateway.ctx.keys.reload();
    const added = Object.fromEntries(rotation.added.map(({ alg, kid }) => [alg, kid]));
    assert.deepEqual(Object.keys(added).sort(), ['ES256', 'RS256']);
    const during = await publishedKeys(gateway.url);
    assert.deepEqual(algsOf(during), ['ES256', 'ES256', 'RS256', 'RS256']);
    assert.ok(before.every((jwk) => during.some((published) => published.kid === jwk.kid)));
    clock.advance(10 * MINUTE);
    assert.equal(gateway.ctx.keys.signingKey().kid, added.ES256);
    assert.equal(gateway.ctx.keys.signingKey('RS256').kid, added.RS256);
    clock.advance(gateway.config.tokens.accessTtl + gateway.config.tokens.clockSkew);
    const afterwards = await publishedKeys(gateway.url);
    assert.deepEqual(afterwards.map((jwk) => jwk.kid).sort(), [added.ES256, added.RS256].sort());
    assert.equal(
      afterwards.some((jwk) => jwk.kid === old.ES256 || jwk.kid === old.RS256),
      false,
    );
  } finally {
    await gateway.close();
  }
});

test('a gateway started on a key set made before ID tokens (one ES256 key) publishes that key and a new RS256 key', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'byline-upgrade-'));
  temps.push(dataDir);
  const legacy = await KeyStore.open(dataDir, { algorithm: 'ES256', clock: new TestClock() });
  const esKid = legacy.signingKey().kid;
  const gateway = await startGateway({ dataDir });
  try {
    const keys = await publishedKeys(gateway.url);
    assert.deepEqual(algsOf(keys), ['ES256', 'RS256']);
    assert.ok(keys.some((jwk) => jwk.kid === esKid && jwk.alg === 'ES256'));
    assert.equal(gateway.ctx.keys.signingKey().kid, esKid, 'access tokens keep their key');
    assert.deepEqual(gateway.ctx.keys.added, ['RS256']);
  } finally {
    await gateway.close();
  }
});
