import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { calculateJwkThumbprint, createLocalJWKSet, jwtVerify, SignJWT } from 'jose';
import { parseConfig } from '../../src/config/load.js';
import { type KeyRecord, KeyStore, type SigningAlgorithm } from '../../src/tokens/keystore.js';
import { TestClock } from '../support/clock.js';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const openFixture = fileURLToPath(new URL('./fixtures/open-keystore.ts', import.meta.url));

const temps: string[] = [];
after(async () => {
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A fresh dataDir that does not exist yet (inside a temporary directory). */
async function freshDataDir(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'byline-keystore-'));
  temps.push(root);
  return join(root, 'data');
}

async function open(dataDir: string, algorithm: SigningAlgorithm = 'ES256', clock = new TestClock()) {
  return KeyStore.open(dataDir, { algorithm, clock });
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe('opening the key store', () => {
  test('the first open creates keys/ with one key file named after its kid (mode 0600) and subject.key', async () => {
    const dataDir = await freshDataDir();
    const keys = await open(dataDir);
    const { kid } = keys.signingKey();
    const dir = join(dataDir, 'keys');
    assert.equal(keys.dir, dir);
    assert.deepEqual((await readdir(dir)).sort(), [`${kid}.json`, 'subject.key'].sort());
    assert.equal(await mode(join(dir, `${kid}.json`)), 0o600);
    assert.equal(await mode(join(dir, 'subject.key')), 0o600);
    assert.equal(await mode(dir), 0o700);
    const record = JSON.parse(await readFile(join(dir, `${kid}.json`), 'utf8')) as KeyRecord;
    assert.equal(record.kid, kid);
    assert.equal(record.alg, 'ES256');
    assert.equal(record.retires, undefined);
    assert.ok(record.privateJwk.d, 'the key file holds the private key');
    assert.equal(keys.rootSecret.length, 32);
    assert.deepEqual(
      keys.rootSecret,
      Buffer.from((await readFile(join(dir, 'subject.key'), 'utf8')).trim(), 'base64url'),
    );
  });

  test('a second open reuses the key and the subject key', async () => {
    const dataDir = await freshDataDir();
    const first = await open(dataDir);
    const second = await open(dataDir, 'ES256', new TestClock(Date.now() + 86_400_000));
    assert.equal(second.signingKey().kid, first.signingKey().kid);
    assert.deepEqual(second.rootSecret, first.rootSecret);
    assert.deepEqual(second.jwks(), first.jwks());
    assert.equal((await readdir(join(dataDir, 'keys'))).length, 2);
  });

  test('opening with another algorithm adds an active key of it and keeps the existing key published', async () => {
    const dataDir = await freshDataDir();
    const first = await open(dataDir, 'ES256');
    const second = await open(dataDir, 'EdDSA');
    assert.equal(second.signingKey().alg, 'EdDSA');
    assert.equal(second.signingKey('ES256').kid, first.signingKey().kid);
    assert.deepEqual(second.added, ['EdDSA']);
    assert.deepEqual(new Set(second.jwks().keys.map((jwk) => jwk.alg)), new Set(['ES256', 'EdDSA']));
  });

  test('two different dataDirs get different keys and subject keys', async () => {
    const a = await open(await freshDataDir());
    const b = await open(await freshDataDir());
    assert.notEqual(a.signingKey().kid, b.signingKey().kid);
    assert.notDeepEqual(a.rootSecret, b.rootSecret);
  });

  test('ES256 is the algorithm a config without tokens.algorithm asks for', () => {
    const config = parseConfig(
      { sites: { blog: { origins: [], redirectUris: ['https://blog.example/cb'] } } },
      { env: {} },
    );
    assert.equal(config.tokens.algorithm, 'ES256');
  });
});

describe('keys per algorithm', () => {
  const openWith = (dataDir: string, algorithms: SigningAlgorithm[], clock = new TestClock()) =>
    KeyStore.open(dataDir, { algorithm: algorithms[0] as SigningAlgorithm, algorithms, clock });
  const algsOf = (keys: KeyStore) =>
    keys
      .jwks()
      .keys.map((jwk) => jwk.alg)
      .sort();

  test('a first open with ES256 and RS256 creates an active key of each, both published, each in its own file', async () => {
    const dataDir = await freshDataDir();
    const keys = await openWith(dataDir, ['ES256', 'RS256']);
    const es = keys.signingKey();
    const rs = keys.signingKey('RS256');
    assert.equal(es.alg, 'ES256', "the access tokens' algorithm is the default");
    assert.equal(keys.signingKey('ES256').kid, es.kid);
    assert.equal(rs.alg, 'RS256');
    assert.deepEqual(algsOf(keys), ['ES256', 'RS256']);
    assert.deepEqual(
      (await readdir(keys.dir)).sort(),
      [`${es.kid}.json`, `${rs.kid}.json`, 'subject.key'].sort(),
    );
    assert.deepEqual(
      new Set(keys.list().map(({ record, state }) => `${record.alg} ${state}`)),
      new Set(['ES256 active', 'RS256 active']),
    );
  });

  test('a key set made before ID tokens (one ES256 key) gains an active RS256 key on open and keeps its ES256 key', async () => {
    const dataDir = await freshDataDir();
    const before = await open(dataDir, 'ES256');
    const esKid = before.signingKey().kid;
    const rootSecret = Buffer.from(before.rootSecret);
    const after = await openWith(dataDir, ['ES256', 'RS256']);
    assert.equal(after.created, false);
    assert.deepEqual(after.added, ['RS256']);
    assert.equal(after.signingKey().kid, esKid, 'access tokens keep their key');
    const rs = after.signingKey('RS256');
    assert.equal(rs.alg, 'RS256');
    assert.notEqual(rs.kid, esKid);
    assert.deepEqual(algsOf(after), ['ES256', 'RS256']);
    assert.deepEqual(after.rootSecret, rootSecret, 'the subject key stays');
    assert.deepEqual(
      (await readdir(after.dir)).sort(),
      [`${esKid}.json`, 'initial-RS256.json', 'subject.key'].sort(),
      'no temporary file is left behind',
    );
    assert.equal(await mode(join(after.dir, 'initial-RS256.json')), 0o600);
    // The already running gateway sees the new key on its next reload.
    await before.reload();
    assert.equal(before.signingKey('RS256').kid, rs.kid);
    // Opening again adds nothing more.
    const again = await openWith(dataDir, ['ES256', 'RS256']);
    assert.deepEqual(again.added, []);
    assert.equal(again.signingKey('RS256').kid, rs.kid);
    assert.equal((await readdir(after.dir)).length, 3);
  });

  test('signingKey of an algorithm the key set has no key of throws an error naming it', async () => {
    const keys = await openWith(await freshDataDir(), ['ES256', 'RS256']);
    assert.throws(() => keys.signingKey('EdDSA'), /has no live EdDSA signing key.*restart/);
  });

  test('an algorithm whose keys have all retired gets a new active key when it comes back into use', async () => {
    const dataDir = await freshDataDir();
    const clock = new TestClock();
    const first = await openWith(dataDir, ['ES256', 'EdDSA'], clock);
    const oldEd = first.signingKey('EdDSA');
    // As a rotation does for an algorithm no longer in use: its key leaves the JWKS later.
    const [file] = first.list().filter(({ record }) => record.alg === 'EdDSA');
    assert.ok(file);
    await writeFile(
      join(first.dir, file.file),
      JSON.stringify({ ...file.record, retires: clock.now() + 60_000 }),
    );
    clock.advance(60_000);
    const back = await openWith(dataDir, ['ES256', 'EdDSA'], clock);
    assert.deepEqual(back.added, ['EdDSA']);
    const newEd = back.signingKey('EdDSA');
    assert.notEqual(newEd.kid, oldEd.kid);
    assert.deepEqual(algsOf(back), ['ES256', 'EdDSA'].sort());
    assert.ok((await readdir(back.dir)).includes(`initial-EdDSA-after-${oldEd.kid}.json`));
  });
});

describe('opening for reading only', () => {
  test('openExisting on a fresh dataDir answers undefined and creates nothing', async () => {
    const dataDir = await freshDataDir();
    assert.equal(await KeyStore.openExisting(dataDir, { clock: new TestClock() }), undefined);
    assert.equal(existsSync(dataDir), false, 'not even the dataDir');
  });

  test('openExisting reads the key set that open created, without adding to it', async () => {
    const dataDir = await freshDataDir();
    const created = await open(dataDir);
    const read = await KeyStore.openExisting(dataDir, { clock: new TestClock() });
    assert.equal(read?.signingKey().kid, created.signingKey().kid);
    assert.deepEqual(read?.rootSecret, created.rootSecret);
    assert.equal((await readdir(join(dataDir, 'keys'))).length, 2);
  });

  test('open says whether it created the key set', async () => {
    const dataDir = await freshDataDir();
    assert.equal((await open(dataDir)).created, true);
    assert.equal((await open(dataDir)).created, false);
  });
});

describe('algorithms, kid and the JWKS', () => {
  const shapes: Record<SigningAlgorithm, { kty: string; crv?: string }> = {
    ES256: { kty: 'EC', crv: 'P-256' },
    EdDSA: { kty: 'OKP', crv: 'Ed25519' },
    RS256: { kty: 'RSA' },
  };

  for (const [alg, shape] of Object.entries(shapes) as [SigningAlgorithm, { kty: string; crv?: string }][]) {
    test(`${alg}: the JWKS publishes one ${shape.kty} key whose kid is its RFC 7638 thumbprint`, async () => {
      const keys = await open(await freshDataDir(), alg);
      const { keys: published } = keys.jwks();
      assert.equal(published.length, 1);
      const [jwk] = published;
      assert.ok(jwk);
      assert.equal(jwk.alg, alg);
      assert.equal(jwk.kty, shape.kty);
      assert.equal(jwk.crv, shape.crv);
      assert.equal(jwk.use, 'sig');
      assert.equal(jwk.kid, await calculateJwkThumbprint(jwk));
      assert.equal(keys.signingKey().kid, jwk.kid);
      assert.equal(keys.signingKey().alg, alg);
    });

    test(`${alg}: the JWKS holds public members only`, async () => {
      const keys = await open(await freshDataDir(), alg);
      for (const jwk of keys.jwks().keys) {
        for (const member of PRIVATE_MEMBERS) assert.equal(member in jwk, false, `${member} is private`);
        const allowed = new Set(['kty', 'crv', 'x', 'y', 'n', 'e', 'kid', 'alg', 'use']);
        assert.deepEqual(
          Object.keys(jwk).filter((member) => !allowed.has(member)),
          [],
        );
      }
    });

    test(`${alg}: a JWT signed with the signing key verifies against the JWKS`, async () => {
      const keys = await open(await freshDataDir(), alg);
      const { kid, key } = keys.signingKey();
      const token = await new SignJWT({ sub: 'dev:alice' })
        .setProtectedHeader({ alg, kid, typ: 'at+jwt' })
        .sign(key);
      const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(keys.jwks()));
      assert.equal(payload.sub, 'dev:alice');
      assert.equal(protectedHeader.kid, kid);
    });
  }
});

describe('creating the keys atomically', () => {
  interface Child {
    /** Resolves once the process has loaded and waits for the go file. */
    ready: Promise<void>;
    /** Resolves to the kid the process printed, once it has exited with code 0. */
    kid: Promise<string>;
  }

  /** Starts the fixture in its own Node process; it opens the key store once `goFile` exists. */
  function openInChild(dataDir: string, goFile: string, algorithms = 'ES256'): Child {
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', openFixture, dataDir, algorithms, goFile],
      { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 },
    );
    let stdout = '';
    let stderr = '';
    let markReady: () => void = () => {};
    const ready = new Promise<void>((resolve) => {
      markReady = resolve;
    });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.startsWith('ready\n')) markReady();
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const kid = new Promise<string>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => {
        markReady();
        if (code === 0) resolve(stdout.replace(/^ready\n/, '').trim());
        else reject(new Error(`open-keystore exited with ${code}: ${stderr}`));
      });
    });
    return { ready, kid };
  }

  test('four processes opening one fresh dataDir at once all end with the same single key', async () => {
    const dataDir = await freshDataDir();
    const goFile = `${dataDir}.go`;
    const children = Array.from({ length: 4 }, () => openInChild(dataDir, goFile));
    await Promise.all(children.map((child) => child.ready));
    await writeFile(goFile, '');
    const kids = await Promise.all(children.map((child) => child.kid));
    const [kid] = kids;
    assert.match(kid ?? '', /^[\w-]{43}$/);
    assert.deepEqual(kids, [kid, kid, kid, kid]);
    assert.deepEqual((await readdir(join(dataDir, 'keys'))).sort(), [`${kid}.json`, 'subject.key'].sort());
    assert.deepEqual(await readdir(dataDir), ['keys'], 'no .keys-* temporary directory is left behind');
    assert.deepEqual(
      (await readdir(join(dataDir, '..'))).filter((name) => name.startsWith('.keys-')),
      [],
    );
    assert.equal((await open(dataDir)).signingKey().kid, kid);
  });

  test('four processes adding RS256 to an existing ES256 key set at once all end with the same single RS256 key', async () => {
    const dataDir = await freshDataDir();
    const esKid = (await open(dataDir, 'ES256')).signingKey().kid;
    const goFile = `${dataDir}.go-rs256`;
    const children = Array.from({ length: 4 }, () => openInChild(dataDir, goFile, 'ES256,RS256'));
    await Promise.all(children.map((child) => child.ready));
    await writeFile(goFile, '');
    const printed = await Promise.all(children.map((child) => child.kid));
    const [first] = printed;
    const [es, rs] = (first ?? '').split(' ');
    assert.equal(es, esKid);
    assert.match(rs ?? '', /^[\w-]{43}$/);
    assert.deepEqual(printed, [first, first, first, first]);
    const keys = await KeyStore.open(dataDir, {
      algorithm: 'ES256',
      algorithms: ['ES256', 'RS256'],
      clock: new TestClock(),
    });
    assert.equal(keys.signingKey('RS256').kid, rs);
    assert.deepEqual(
      keys
        .jwks()
        .keys.map((jwk) => jwk.kid)
        .sort(),
      [esKid, rs].sort(),
      'one RS256 key, beside the ES256 one',
    );
    assert.deepEqual(
      (await readdir(join(dataDir, 'keys'))).sort(),
      [`${esKid}.json`, 'initial-RS256.json', 'subject.key'].sort(),
      'no temporary file is left behind',
    );
  });

  test('eight opens at once within one process agree too', async () => {
    const dataDir = await freshDataDir();
    const stores = await Promise.all(Array.from({ length: 8 }, () => open(dataDir)));
    const kids = new Set(stores.map((keys) => keys.signingKey().kid));
    assert.equal(kids.size, 1);
    assert.equal(new Set(stores.map((keys) => keys.rootSecret.toString('hex'))).size, 1);
    assert.equal((await readdir(join(dataDir, 'keys'))).length, 2);
    assert.deepEqual(await readdir(dataDir), ['keys']);
  });
});
