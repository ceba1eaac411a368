import { randomBytes } from 'node:crypto';
import { type FSWatcher, watch } from 'node:fs';
import { link, mkdir, mkdtemp, readdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
} from 'jose';
import type { Clock } from '../clock.js';

export type SigningAlgorithm = 'ES256' | 'EdDSA' | 'RS256';

export type KeyState = 'next' | 'active' | 'retiring' | 'retired';

/** One key file under `dataDir/keys/`: the private JWK plus the dates that decide its state. */
export interface KeyRecord {
  kid: string;
  alg: SigningAlgorithm;
  /** ms since the epoch */
  created: number;
  /** when it may start signing (ms) */
  activates: number;
  /** when it stops being published (ms); set once a newer key has taken over */
  retires?: number;
  privateJwk: JWK;
}

export interface SigningKey {
  kid: string;
  alg: SigningAlgorithm;
  key: CryptoKey;
}

const subjectKeyFile = 'subject.key';

async function createKeyRecord(alg: SigningAlgorithm, now: number, activates = now): Promise<KeyRecord> {
  const { privateKey } = await generateKeyPair(alg, {
    extractable: true,
    ...(alg === 'RS256' ? { modulusLength: 2048 } : {}),
  });
  const privateJwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(privateJwk);
  return { kid, alg, created: now, activates, privateJwk: { ...privateJwk, kid, alg, use: 'sig' } };
}

/** The public half of a private JWK: the members RFC 7517/7518 define as public for EC, OKP and RSA. */
function publicJwk(jwk: JWK): JWK {
  const { kty, crv, x, y, n, e, kid, alg, use } = jwk;
  return Object.fromEntries(
    Object.entries({ kty, crv, x, y, n, e, kid, alg, use }).filter(([, v]) => v !== undefined),
  );
}

/** A key's state, given the kids of the keys that sign now (one per algorithm). */
function keyState(record: KeyRecord, activeKids: ReadonlySet<string>, now: number): KeyState {
  if (record.retires !== undefined && record.retires <= now) return 'retired';
  if (activeKids.has(record.kid)) return 'active';
  if (record.activates > now) return 'next';
  return 'retiring';
}

export function keyFileName(kid: string): string {
  return `${kid}.json`;
}

/** Writes a file so that readers see either nothing or the whole file. */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(tmp, content, { mode: 0o600 });
  await rename(tmp, path);
}

/** Whether `dir` holds a key set: the root secret (subject.key) is written with the first key, in one rename. */
async function hasKeySet(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).includes(subjectKeyFile);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return false;
  }
}

/**
 * Creates `dir` with a first key of every algorithm and the root secret, atomically: the set is built
 * in a temporary directory and renamed into place, so of two processes starting together one wins and
 * the other reads the winner's keys. Answers whether this call's set is the one that landed.
 */
async function ensureKeyDirectory(
  dir: string,
  algorithms: readonly SigningAlgorithm[],
  now: number,
): Promise<boolean> {
  const parent = join(dir, '..');
  await mkdir(parent, { recursive: true });
  if (await hasKeySet(dir)) return false;
  const tmp = await mkdtemp(join(parent, '.keys-'));
  for (const alg of algorithms) {
    const record = await createKeyRecord(alg, now);
    await writeFile(join(tmp, keyFileName(record.kid)), JSON.stringify(record, null, 2), { mode: 0o600 });
  }
  await writeFile(join(tmp, subjectKeyFile), randomBytes(32).toString('base64url'), { mode: 0o600 });
  try {
    await rename(tmp, dir);
    return true;
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST' && code !== 'ENOTEMPTY') throw error;
    return false;
  }
}

const isLive = (record: KeyRecord, now: number) => record.retires === undefined || record.retires > now;

/**
 * Adds a first, immediately active key for every algorithm in `algorithms` that has no key left in an
 * existing set (one that was created before the algorithm came into use). Several processes may start
 * at once: the file name is chosen from what is on disk, the same for all of them, and created with
 * link(2), which fails if it exists, so exactly one key lands and the others read it. Answers the
 * algorithms this call added a key for.
 */
async function addMissingKeys(
  dir: string,
  algorithms: readonly SigningAlgorithm[],
  now: number,
): Promise<SigningAlgorithm[]> {
  const records = await readKeyRecords(dir);
  const added: SigningAlgorithm[] = [];
  for (const alg of algorithms) {
    const ofAlg = records.filter((record) => record.alg === alg);
    if (ofAlg.some((record) => isLive(record, now))) continue;
    // Every key of this algorithm has retired (it went out of use and came back): named after the last.
    const last = ofAlg.at(-1);
    const name = last ? `initial-${alg}-after-${last.kid}.json` : `initial-${alg}.json`;
    const record = await createKeyRecord(alg, now);
    const tmp = join(dir, `${name}.${randomBytes(6).toString('hex')}.tmp`);
    await writeFile(tmp, JSON.stringify(record, null, 2), { mode: 0o600 });
    try {
      await link(tmp, join(dir, name));
      added.push(alg);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      await unlink(tmp);
    }
  }
  return added;
}

/** The key files' names and contents, as read now. */
async function readKeyFiles(dir: string): Promise<{ name: string; text: string }[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.json'));
  return Promise.all(names.map(async (name) => ({ name, text: await readFile(join(dir, name), 'utf8') })));
}

// Keys made in the same millisecond (a first start and `keys rotate --now`) are ordered by their
// retirement: the one already scheduled to leave sorts first, so the newer key is the active one.
const retiresAt = (record: KeyRecord) => record.retires ?? Number.MAX_SAFE_INTEGER;
const byActivation = (a: KeyRecord, b: KeyRecord) =>
  a.activates - b.activates || a.created - b.created || retiresAt(a) - retiresAt(b);

async function readKeyRecords(dir: string): Promise<KeyRecord[]> {
  const files = await readKeyFiles(dir);
  return files.map(({ text }) => JSON.parse(text) as KeyRecord).sort(byActivation);
}

interface LoadedKey {
  /** The file it was read from: `<kid>.json`, or `initial-<alg>….json` for a key added to an existing set. */
  file: string;
  record: KeyRecord;
  key: CryptoKey;
  publicJwk: JWK;
}

/**
 * The signing keys and the root secret, loaded from `dataDir/keys/`. Each algorithm in use (the access
 * tokens' and the ID tokens') has keys of its own, with their own lifecycle: its active key is the
 * newest of that algorithm whose activation time has passed. Every key that is not retired, of any
 * algorithm, is published in the JWKS.
 */
export class KeyStore {
  #keys: LoadedKey[] = [];
  #rootSecret: Buffer = Buffer.alloc(0);
  #jwks: { keys: JWK[] } = { keys: [] };
  #jwksUntil = 0;
  /**
   * What the last load read, by file: a reload keeps the objects of files whose bytes are the same, so
   * that work cached by them (derived handle keys and the sid cache by the root secret Buffer, the JWKS
   * body and verified tokens by the JWKS object) survives the 30-second reloads.
   */
  #read = { keyFiles: new Map<string, { text: string; key: LoadedKey }>(), subjectText: '' };

  private constructor(
    readonly dir: string,
    readonly clock: Clock,
    /** What `signingKey()` signs with when no algorithm is named: the access tokens'. */
    readonly algorithm: SigningAlgorithm | undefined,
    /** Whether opening this store created the key set (a first start). */
    readonly created = false,
    /** The algorithms whose first key opening this store added to an existing set. */
    readonly added: readonly SigningAlgorithm[] = [],
  ) {}

  /**
   * Opens `<dataDir>/keys`, creating it on first start with a key of every algorithm in use, and adding
   * an immediately active key for any algorithm in use that has none yet (an older set, or an algorithm
   * just configured). `algorithm` is the access tokens' (what `signingKey()` signs with by default);
   * `algorithms` every algorithm in use (see `algorithmsInUse`), with or without it.
   */
  static async open(
    dataDir: string,
    options: { algorithm: SigningAlgorithm; algorithms?: readonly SigningAlgorithm[]; clock: Clock },
  ): Promise<KeyStore> {
    const dir = join(dataDir, 'keys');
    const algorithms = [...new Set([options.algorithm, ...(options.algorithms ?? [])])];
    const created = await ensureKeyDirectory(dir, algorithms, options.clock.now());
    const added = created ? [] : await addMissingKeys(dir, algorithms, options.clock.now());
    const store = new KeyStore(dir, options.clock, options.algorithm, created, added);
    await store.reload();
    return store;
  }

  /**
   * Opens `<dataDir>/keys` for reading only (`byline keys list`): never creates a key, a file or a
   * directory. Resolves to undefined while no key set exists there yet. Without `algorithm`,
   * `signingKey()` answers the newest active key of any algorithm.
   */
  static async openExisting(
    dataDir: string,
    options: { algorithm?: SigningAlgorithm; clock: Clock },
  ): Promise<KeyStore | undefined> {
    const dir = join(dataDir, 'keys');
    if (!(await hasKeySet(dir))) return undefined;
    const store = new KeyStore(dir, options.clock, options.algorithm);
    await store.reload();
    return store;
  }

  #reloads: Promise<void> = Promise.resolve();

  /**
   * Re-reads the key files, so keys added by `byline keys rotate` are picked up without a restart.
   * Reloads run one at a time; a failed one (a file being replaced, say) keeps the keys loaded before.
   */
  reload(): Promise<void> {
    const run = this.#reloads.then(() => this.#load());
    this.#reloads = run.catch(() => {});
    return run;
  }

  /**
   * Keeps a long-running process's keys current: reloads every `intervalMs` (default 30 s, well inside
   * `keys.activationDelay`, so every instance publishes a new key long before any signs with it) and,
   * with `watch` (default on), soon after a file under `keys/` changes. Timers do not keep the process
   * alive. Returns the function that stops it.
   */
  autoReload(
    options: { intervalMs?: number; watch?: boolean; onError?: (error: unknown) => void } = {},
  ): () => void {
    const onError = options.onError ?? (() => {});
    const reload = () => {
      this.reload().catch(onError);
    };
    const timer = setInterval(reload, options.intervalMs ?? 30_000);
    timer.unref();
    let watcher: FSWatcher | undefined;
    let debounce: NodeJS.Timeout | undefined;
    if (options.watch ?? true) {
      try {
        watcher = watch(this.dir, { persistent: false }, () => {
          clearTimeout(debounce);
          debounce = setTimeout(reload, 50);
          debounce.unref();
        });
        // Some file systems cannot be watched (network mounts); the interval still covers them.
        watcher.on('error', onError);
      } catch (error) {
        onError(error);
      }
    }
    return () => {
      clearInterval(timer);
      clearTimeout(debounce);
      watcher?.close();
    };
  }

  async #load(): Promise<void> {
    const [files, subjectText] = await Promise.all([
      readKeyFiles(this.dir),
      readFile(join(this.dir, subjectKeyFile), 'utf8'),
    ]);
    if (files.length === 0) throw new Error(`no signing keys in ${this.dir}`);
    const previous = this.#read;
    const keyFiles = new Map<string, { text: string; key: LoadedKey }>();
    await Promise.all(
      files.map(async ({ name, text }) => {
        const known = previous.keyFiles.get(name);
        if (known?.text === text) {
          keyFiles.set(name, known);
          return;
        }
        const record = JSON.parse(text) as KeyRecord;
        const key = {
          file: name,
          record,
          key: (await importJWK(record.privateJwk, record.alg)) as CryptoKey,
          publicJwk: publicJwk(record.privateJwk),
        };
        keyFiles.set(name, { text, key });
      }),
    );
    const loaded = [...keyFiles.values()]
      .map(({ key }) => key)
      .sort((a, b) => byActivation(a.record, b.record));
    const sameKeys = loaded.length === this.#keys.length && loaded.every((key, i) => key === this.#keys[i]);
    const sameSubject = subjectText === previous.subjectText;
    // Swapped in together, only once everything has been read.
    this.#read = { keyFiles, subjectText };
    if (!sameSubject) this.#rootSecret = Buffer.from(subjectText.trim(), 'base64url');
    if (!sameKeys) {
      this.#keys = loaded;
      this.#jwksUntil = 0;
    }
  }

  /**
   * Whether a key of `alg` can sign now. False only for an algorithm the set has no live key of: one
   * configured after this process opened it (a config reload naming a new idTokenAlgorithm).
   */
  canSign(alg: SigningAlgorithm): boolean {
    return this.#active(this.clock.now(), alg) !== undefined;
  }

  /**
   * Adds an immediately active key for each of `algorithms` that has no live key yet, as `open` does
   * (safe when several processes do it at once), and loads it. Answers the algorithms it added a key for.
   */
  async addAlgorithms(algorithms: readonly SigningAlgorithm[]): Promise<SigningAlgorithm[]> {
    const added = await addMissingKeys(this.dir, algorithms, this.clock.now());
    await this.reload();
    return added;
  }

  /**
   * The root secret (`keys/subject.key`, shared by every instance): guest and pairwise subjects are HMACs
   * under it directly (DESIGN's subject formulas, so they never change), and every other secret Byline
   * derives — sids, code and refresh-token MACs, sealed login transactions, CSRF tokens, consent keys — is
   * derived from it per purpose (crypto/derive-key.ts).
   */
  get rootSecret(): Buffer {
    return this.#rootSecret;
  }

  /** The key of `alg` (of any algorithm when undefined) that signs at `now`, if there is one. */
  #active(now: number, alg: SigningAlgorithm | undefined): LoadedKey | undefined {
    let active: LoadedKey | undefined;
    let oldestLive: LoadedKey | undefined;
    for (const key of this.#keys) {
      const { activates, retires } = key.record;
      if ((alg !== undefined && key.record.alg !== alg) || (retires !== undefined && retires <= now))
        continue;
      oldestLive ??= key;
      if (activates <= now) active = key;
    }
    // Every key not yet active would leave us unable to sign; the oldest key keeps signing then.
    return active ?? oldestLive;
  }

  /**
   * The key that signs now for `alg` (default: the access tokens' algorithm the store was opened with).
   * Throws when the key set has no live key of that algorithm: a process opened without it.
   */
  signingKey(alg: SigningAlgorithm | undefined = this.algorithm): SigningKey {
    const loaded = this.#active(this.clock.now(), alg);
    if (!loaded) {
      // Only an algorithm configured after this process opened the set gets here: its key is made on open.
      const what = alg ? `${alg} signing key` : 'signing key';
      throw new Error(
        `the key set in ${this.dir} has no live ${what}: tokens.algorithm, tokens.idTokenAlgorithm and the sites' idTokenAlgorithm are read when the gateway starts, so restart it after changing them`,
      );
    }
    const { record, key } = loaded;
    return { kid: record.kid, alg: record.alg, key };
  }

  #jwksJson = '';

  /**
   * The published keys, memoised until the next key changes state. The object stays the same for as
   * long as the same keys are published (across reloads too), so callers may cache work by it: the JWKS
   * route its serialised body, token verification its key set and verified tokens.
   */
  jwks(): { keys: JWK[] } {
    const now = this.clock.now();
    if (now < this.#jwksUntil) return this.#jwks;
    const published = this.#keys.filter(({ record }) => record.retires === undefined || record.retires > now);
    const keys = published.map((key) => key.publicJwk);
    const json = JSON.stringify(keys);
    if (json !== this.#jwksJson) {
      this.#jwks = { keys };
      this.#jwksJson = json;
    }
    const changes = this.#keys
      .flatMap(({ record }) => [record.activates, record.retires ?? Number.POSITIVE_INFINITY])
      .filter((at) => at > now);
    this.#jwksUntil = Math.min(...changes, now + 60_000);
    return this.#jwks;
  }

  #everyKey: { from: LoadedKey[]; jwks: { keys: JWK[] } } | undefined;

  /**
   * The public keys of every key on disk, retired ones too (the same object while the keys are the same).
   * For what Byline only checks it once issued, long after: a relying party keeps an ID token for the whole
   * session and sends it back as a logout hint, after its key may have left the JWKS.
   */
  everyPublicKey(): { keys: JWK[] } {
    if (this.#everyKey?.from !== this.#keys)
      this.#everyKey = { from: this.#keys, jwks: { keys: this.#keys.map((key) => key.publicJwk) } };
    return this.#everyKey.jwks;
  }

  /** Every key with its state and file name, oldest first (for `byline keys list` and rotation). */
  list(): { record: KeyRecord; state: KeyState; file: string }[] {
    const now = this.clock.now();
    const algorithms = new Set(this.#keys.map(({ record }) => record.alg));
    const activeKids = new Set<string>();
    for (const alg of algorithms) {
      const active = this.#active(now, alg);
      if (active) activeKids.add(active.record.kid);
    }
    return this.#keys.map(({ record, file }) => ({ record, file, state: keyState(record, activeKids, now) }));
  }
}

export { createKeyRecord };
