import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';

/**
 * The key Byline authenticates with at atproto authorization servers (`private_key_jwt`, ES256 as the
 * atproto OAuth profile requires). It lives beside the signing keys in dataDir, not in `keys/` (whose
 * every file is a token signing key), and, like them, is shared by every instance that shares dataDir.
 */
const keyFile = 'client-key.json';

async function readKey(path: string): Promise<JWK | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as JWK;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * The private JWK (with `kid`, `alg`, `use`), created on first use. Several instances may start their
 * first atproto login at once: the file appears with link(2), which fails when it exists, so one key
 * lands and every instance reads that one.
 */
export async function atprotoClientKey(dataDir: string): Promise<JWK> {
  const dir = join(dataDir, 'atproto');
  const path = join(dir, keyFile);
  const existing = await readKey(path);
  if (existing) return existing;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(tmp, JSON.stringify({ ...jwk, kid, alg: 'ES256', use: 'sig' }, null, 2), { mode: 0o600 });
  try {
    await link(tmp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(tmp);
  }
  const key = await readKey(path);
  if (!key) throw new Error(`${path} disappeared while it was being created`);
  return key;
}
