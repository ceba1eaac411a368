import { hkdfSync } from 'node:crypto';

// One derived key per root secret and purpose, kept while the root Buffer lives: the KeyStore keeps the
// same Buffer while the key file's bytes are the same, so a reload derives nothing again.
const derived = new WeakMap<Buffer, Map<string, Buffer>>();

/**
 * A 32-byte key for one `purpose` (HKDF-SHA256 of the root secret): every use of the root secret — sids,
 * code and refresh-token MACs, sealed login transactions, CSRF tokens — gets its own key, so no value made
 * for one purpose is accepted for another.
 */
export function deriveKey(root: Buffer, purpose: string): Buffer {
  let keys = derived.get(root);
  if (!keys) {
    keys = new Map();
    derived.set(root, keys);
  }
  let key = keys.get(purpose);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', root, Buffer.alloc(0), purpose, 32));
    keys.set(purpose, key);
  }
  return key;
}
