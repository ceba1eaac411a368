import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { parseConfig } from '../../src/config/load.js';
import { verifyAccessToken } from '../../src/tokens/access-token.js';
import { algorithmsInUse } from '../../src/tokens/algorithms.js';
import { atHash, type IdTokenInput, mintIdToken } from '../../src/tokens/id-token.js';
import { KeyStore, type SigningAlgorithm } from '../../src/tokens/keystore.js';
import { TestClock } from '../support/clock.js';

// What oidc-provider computes at_hash with (its own dependency, loaded as it loads it).
const { generate: oidcProviderHash } = createRequire(import.meta.url)('oidc-token-hash') as {
  generate: (token: string, alg: string, crv?: string) => string;
};

const ISSUER = 'http://127.0.0.1:3999';

const temps: string[] = [];
after(async () => {
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A key store as a gateway whose access tokens use ES256 and ID tokens `alg` opens it. */
async function keysFor(alg: SigningAlgorithm, clock = new TestClock()): Promise<KeyStore> {
  const root = await mkdtemp(join(tmpdir(), 'byline-id-token-'));
  temps.push(root);
  return KeyStore.open(join(root, 'data'), { algorithm: 'ES256', algorithms: ['ES256', alg], clock });
}

const input = (alg: SigningAlgorithm, extra: Partial<IdTokenInput> = {}): IdTokenInput => ({
  issuer: ISSUER,
  audience: 'blog',
  subject: 'dev:alice',
  alg,
  authTime: 1_765_000_000,
  sid: 'sid-1',
  ttlMs: 600_000,
  nonce: 'n-0S6_WzA2Mj',
  accessToken: 'eyJhbGciOiJFUzI1NiJ9.access.token',
  claims: { name: 'Alice', picture: 'https://pics.example/a.png', idp: 'dev' },
  ...extra,
});

describe('ID tokens', () => {
  const algorithms: SigningAlgorithm[] = ['RS256', 'ES256', 'EdDSA'];
  for (const alg of algorithms) {
    test(`${alg}: the ID token verifies with jose against the JWKS, with header typ JWT and the kid of the active ${alg} key, and every claim`, async () => {
      const clock = new TestClock(1_765_000_123_456);
      const keys = await keysFor(alg, clock);
      const token = await mintIdToken(keys, clock, input(alg));
      const { kid } = keys.signingKey(alg);
      assert.deepEqual(decodeProtectedHeader(token), { alg, kid, typ: 'JWT' });
      const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(keys.jwks()), {
        issuer: ISSUER,
        audience: 'blog',
        algorithms: [alg],
        typ: 'JWT',
        currentDate: new Date(clock.now()),
      });
      assert.equal(protectedHeader.kid, kid);
      const iat = 1_765_000_123;
      assert.deepEqual(payload, {
        iss: ISSUER,
        sub: 'dev:alice',
        aud: 'blog',
        azp: 'blog',
        exp: iat + 600,
        iat,
        auth_time: 1_765_000_000,
        nonce: 'n-0S6_WzA2Mj',
        sid: 'sid-1',
        at_hash: oidcProviderHash('eyJhbGciOiJFUzI1NiJ9.access.token', alg, 'Ed25519'),
        name: 'Alice',
        picture: 'https://pics.example/a.png',
        idp: 'dev',
      });
      // The protocol claims come first, in the order OpenID Connect Core lists them.
      assert.deepEqual(Object.keys(payload).slice(0, 10), [
        'iss',
        'sub',
        'aud',
        'azp',
        'exp',
        'iat',
        'auth_time',
        'nonce',
        'sid',
        'at_hash',
      ]);
    });
  }

  test('the ID token is signed with the key of its own algorithm, not the access tokens’', async () => {
    const keys = await keysFor('RS256');
    const token = await mintIdToken(keys, new TestClock(), input('RS256'));
    assert.equal(decodeProtectedHeader(token).kid, keys.signingKey('RS256').kid);
    assert.notEqual(decodeProtectedHeader(token).kid, keys.signingKey().kid);
  });

  test('a refresh’s ID token without nonce or access token carries neither nonce nor at_hash', async () => {
    const keys = await keysFor('RS256');
    const { nonce: _nonce, accessToken: _accessToken, ...rest } = input('RS256');
    const token = await mintIdToken(keys, new TestClock(), rest);
    const { payload } = await jwtVerify(token, createLocalJWKSet(keys.jwks()), { issuer: ISSUER });
    assert.equal('nonce' in payload, false);
    assert.equal('at_hash' in payload, false);
    assert.equal(payload.sid, 'sid-1');
  });

  test('profile claims never replace a protocol claim', async () => {
    const keys = await keysFor('ES256');
    const token = await mintIdToken(
      keys,
      new TestClock(),
      input('ES256', { claims: { iss: 'https://evil.example', sub: 'other', aud: 'x', name: 'Alice' } }),
    );
    const { payload } = await jwtVerify(token, createLocalJWKSet(keys.jwks()), {
      issuer: ISSUER,
      audience: 'blog',
    });
    assert.equal(payload.sub, 'dev:alice');
    assert.equal(payload.name, 'Alice');
  });

  test('an ID token is refused where an access token is expected', async () => {
    const clock = new TestClock();
    const keys = await keysFor('ES256', clock);
    const token = await mintIdToken(keys, clock, input('ES256'));
    const check = await verifyAccessToken(keys, clock, token, { issuer: ISSUER, clockSkewMs: 60_000 });
    assert.deepEqual(check, { ok: false, expired: false });
  });

  test('minting with an algorithm configured after the start (a config reload) adds an active key of it first', async () => {
    const clock = new TestClock();
    const keys = await keysFor('ES256', clock);
    const other = await KeyStore.openExisting(join(keys.dir, '..'), { algorithm: 'ES256', clock });
    assert.equal(keys.canSign('EdDSA'), false);
    const token = await mintIdToken(keys, clock, input('EdDSA'));
    assert.equal(keys.canSign('EdDSA'), true);
    const { protectedHeader } = await jwtVerify(token, createLocalJWKSet(keys.jwks()), {
      issuer: ISSUER,
      algorithms: ['EdDSA'],
      currentDate: new Date(clock.now()),
    });
    assert.equal(protectedHeader.kid, keys.signingKey('EdDSA').kid);
    assert.deepEqual(new Set(keys.jwks().keys.map((jwk) => jwk.alg)), new Set(['ES256', 'EdDSA']));
    // Another instance on the same key set finds the key on its next reload and makes none of its own.
    await other?.reload();
    await mintIdToken(other as KeyStore, clock, input('EdDSA'));
    assert.equal(other?.signingKey('EdDSA').kid, keys.signingKey('EdDSA').kid);
    assert.equal((await readdir(keys.dir)).filter((name) => name.endsWith('.json')).length, 2);
  });
});

describe('at_hash', () => {
  // Computed independently (Python's hashlib): the left half of SHA-256 and of SHA-512, base64url.
  const token = 'eyJhbGciOiJFUzI1NiJ9.known-access-token.for-at-hash';
  const sha256Half = '_P368kWjmkEvP4cORGpnjA';
  const sha512Half = 'X58-a94fD8DxwHNX1kIuzlxd-rouyPmKYMTiqLP36MM';

  test('ES256 and RS256 take the left half of SHA-256, as oidc-provider does', () => {
    for (const alg of ['ES256', 'RS256'] as const) {
      assert.equal(atHash(token, alg), sha256Half, alg);
      assert.equal(oidcProviderHash(token, alg), sha256Half, alg);
    }
  });

  test('EdDSA (Ed25519) takes the left half of SHA-512, as oidc-provider does', () => {
    assert.equal(atHash(token, 'EdDSA'), sha512Half);
    assert.equal(oidcProviderHash(token, 'EdDSA', 'Ed25519'), sha512Half);
  });

  test('the at_hash claim of a minted EdDSA ID token is that SHA-512 half', async () => {
    const keys = await keysFor('EdDSA');
    const minted = await mintIdToken(keys, new TestClock(), input('EdDSA', { accessToken: token }));
    const { payload } = await jwtVerify(minted, createLocalJWKSet(keys.jwks()), { issuer: ISSUER });
    assert.equal(payload.at_hash, sha512Half);
  });
});

describe('the ID-token algorithms in the config', () => {
  const site = { origins: [], redirectUris: ['https://blog.example/cb'] };
  const configOf = (raw: Record<string, unknown>) =>
    parseConfig({ sites: { blog: site }, ...raw }, { env: {} });

  test('by default ID tokens are RS256 and access tokens ES256: two algorithms in use', () => {
    const config = configOf({});
    assert.equal(config.tokens.idTokenAlgorithm, 'RS256');
    assert.deepEqual(algorithmsInUse(config), ['ES256', 'RS256']);
  });

  test('tokens.idTokenAlgorithm and a site’s idTokenAlgorithm add theirs, each once', () => {
    const config = configOf({
      tokens: { algorithm: 'ES256', idTokenAlgorithm: 'ES256' },
      sites: {
        blog: site,
        forum: { ...site, idTokenAlgorithm: 'EdDSA' },
        wiki: { ...site, idTokenAlgorithm: 'ES256' },
      },
    });
    assert.equal(config.sites.forum?.idTokenAlgorithm, 'EdDSA');
    assert.equal(config.sites.blog?.idTokenAlgorithm, undefined);
    assert.deepEqual(algorithmsInUse(config), ['ES256', 'EdDSA']);
  });

  test('an unknown ID-token algorithm is refused with its key path', () => {
    assert.throws(
      () => configOf({ tokens: { idTokenAlgorithm: 'HS256' } }),
      (error: { issues?: { path: string }[] }) =>
        error.issues?.some((issue) => issue.path === 'tokens.idTokenAlgorithm') === true,
    );
    assert.throws(
      () => configOf({ sites: { blog: { ...site, idTokenAlgorithm: 'none' } } }),
      (error: { issues?: { path: string }[] }) =>
        error.issues?.some((issue) => issue.path === 'sites.blog.idTokenAlgorithm') === true,
    );
  });
});
