import { randomFillSync } from 'node:crypto';

// Random bytes drawn 4 KiB at a time (as Node does for randomUUID): one randomBytes call per id cost
// several times the id itself. Bytes are used once and zeroed as they are handed out.
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

/** A random URL-safe identifier with `bytes` (at most 256) of entropy, from the CSPRNG. */
export function randomId(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < 1 || bytes > 256) throw new TypeError('randomId: 1 to 256 bytes');
  if (poolOffset + bytes > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const id = pool.toString('base64url', poolOffset, poolOffset + bytes);
  pool.fill(0, poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  return id;
}
