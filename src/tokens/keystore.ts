import { randomBytes } from 'node:crypto';
import { type FSWatcher, watch } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
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
export const signingAlgorithms: readonly SigningAlgorithm[] = ['ES256', 'EdDSA', 'RS256'];

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
export function publicJwk(jwk: JWK): JWK {
  const { kty, crv, x, y, n, e, kid, alg, use } = jwk;
  return Object.fromEntries(
    Object.entries({ kty, crv, x, y, n, e, kid, alg, use }).filter(([, v]) => v !== undefined),
  );
}

export function keyState(record: KeyRecord, activeKid: string | undefined, now: number): KeyState {
  if (record.retires !== undefined && record.retires <= now) return 'retired';
  if (record.kid === activeKid) return 'active';
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

/** Whether `dir` holds a key set: the subject key is written with the first key, in one rename. */
async function hasKeySet(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).includes(subjectKeyFile);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return false;
  }
}

/**
 * Creates `dir` with a first key and the subject key, atomically: the set is built in a temporary
 * directory and renamed into place, so of two processes starting together one wins and the other
 * reads the winner's keys. Answers whether this call's set is the one that landed.
 */
async function ensureKeyDirectory(dir: string, alg: SigningAlgorithm, now: number): Promise<boolean> {
  const parent = join(dir, '..');
  await mkdir(parent, { recursive: true });
  if (await hasKeySet(dir)) return false;
  const tmp = await mkdtemp(join(parent, '.keys-'));
  const record = await createKeyRecord(alg, now);
  await writeFile(join(tmp, keyFileName(record.kid)), JSON.stringify(record, null, 2), { mode: 0o600 });
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

export async function readKeyRecords(dir: string): Promise<KeyRecord[]> {
  const files = await readKeyFiles(dir);
  return files.map(({ text }) => JSON.parse(text) as KeyRecord).sort(byActivation);
}

interface LoadedKey {
  record: KeyRecord;
  key: CryptoKey;
  publicJwk: JWK;
}

/**
 * The signing keys and the subject key, loaded from `dataDir/keys/`. The active key is the newest
 * one whose activation time has passed; keys that are not retired are published in the JWKS.
 */
export class KeyStore {
  #keys: LoadedKey[] = [];
  #subjectKey: Buffer = Buffer.alloc(0);
  #jwks: { keys: JWK[] } = { keys: [] };
  #jwksUntil = 0;
  /**
   * What the last load read, by file: a reload keeps the objects of files whose bytes are the same, so
   * that work cached by them (derived handle keys and the sid cache by the subject key Buffer, the JWKS
   * body and verified tokens by the JWKS object) survives the 30-second reloads.
   */
  #read = { keyFiles: new Map<string, { text: string; key: LoadedKey }>(), subjectText: '' };

  private constructor(
    readonly dir: string,
    readonly clock: Clock,
    /** Whether opening this store created the key set (a first start). */
    readonly created = false,
  ) {}

  /** Opens (creating on first start) the key directory `<dataDir>/keys`. */
  static async open(
    dataDir: string,
    options: { algorithm: SigningAlgorithm; clock: Clock },
  ): Promise<KeyStore> {
    const dir = join(dataDir, 'keys');
    const created = await ensureKeyDirectory(dir, options.algorithm, options.clock.now());
    const store = new KeyStore(dir, options.clock, created);
    await store.reload();
    return store;
  }

  /**
   * Opens `<dataDir>/keys` for reading only (`byline keys list`): never creates a key, a file or a
   * directory. Resolves to undefined while no key set exists there yet.
   */
  static async openExisting(dataDir: string, options: { clock: Clock }): Promise<KeyStore | undefined> {
    const dir = join(dataDir, 'keys');
    if (!(await hasKeySet(dir))) return undefined;
    const store = new KeyStore(dir, options.clock);
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
    if (!sameSubject) this.#subjectKey = Buffer.from(subjectText.trim(), 'base64url');
    if (!sameKeys) {
      this.#keys = loaded;
      this.#jwksUntil = 0;
    }
  }

  /** The HMAC key for guest and pairwise subjects. */
  get subjectKey(): Buffer {
    return this.#subjectKey;
  }

  #active(now: number): LoadedKey {
    let active: LoadedKey | undefined;
    for (const key of this.#keys) {
      const { activates, retires } = key.record;
      if (activates <= now && (retires === undefined || retires > now)) active = key;
    }
    // Every key not yet active would leave us unable to sign; the oldest key keeps signing then.
    return active ?? (this.#keys[0] as LoadedKey);
  }

  signingKey(): SigningKey {
    const { record, key } = this.#active(this.clock.now());
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

  /** Every key with its state, oldest first (for `byline keys list`). */
  list(): { record: KeyRecord; state: KeyState }[] {
    const now = this.clock.now();
    const activeKid = this.#active(now).record.kid;
    return this.#keys.map(({ record }) => ({ record, state: keyState(record, activeKid, now) }));
  }
}

export { createKeyRecord };
