import { randomBytes } from 'node:crypto';

// How the Redis store keeps values, and the scripts that change them atomically (see redis.ts).

/**
 * How stored strings look. Most values are plain JSON. A value written by `swap` is `!` + its revision
 * (8 characters, random) + JSON: the revision is the version `swap` compares, and lets a swap that is
 * sent twice recognise its own write. A removed value that must still be recognised is `~` + the
 * revision of whoever removed it (+ the JSON `take` answered): absent to every reader, for a few
 * seconds. Neither `!` nor `~` can begin a JSON text.
 */
const revisionLength = 8;
const live = 33; // '!'
const dead = 126; // '~'

/**
 * `write` and `swap` in one script. KEYS: the swapped key (or a placeholder), then one key per write.
 * ARGV: mode, expected version ('' = absent), new stored string ('' = delete), its PX, the writes as
 * JSON `[op, value, px]` (op `set`, `del`, or `add`/`rem` with the members as value), the swap's
 * revision, the PX of a removal mark.
 *
 * ioredis sends a command again when its connection dropped before the answer came
 * (`autoResendUnfulfilledCommands`); if the first copy was applied, the second finds the key changed.
 * It then finds its own revision there and answers success, rewriting the value unchanged so that a
 * `WAIT` after it confirms the replicas have it. Without this, a rotated refresh token would read as
 * reused and end the reader's session.
 *
 * Sets are hashes whose fields are the members: Redis keeps a small hash as a listpack (~100 bytes for
 * one member) where a small set is already a hashtable (~200). After an `add` the key's expiry moves
 * later, never earlier: `PEXPIRE … GT` would treat a fresh key's "no expiry" as infinite and refuse, so
 * the comparison is done here, atomically.
 */
export const batchScript = `
if ARGV[1] == 'swap' then
  local cur = redis.call('GET', KEYS[1])
  local version = cur or ''
  local first = cur and string.byte(cur, 1)
  if first == ${live} then version = string.sub(cur, 1, ${1 + revisionLength})
  elseif first == ${dead} then version = '' end
  if version ~= ARGV[2] then
    if (first == ${live} or first == ${dead}) and string.sub(cur, 2, ${1 + revisionLength}) == ARGV[6] then
      redis.call('SET', KEYS[1], cur, 'KEEPTTL')
      return 1
    end
    return 0
  end
  if ARGV[3] == '' then redis.call('SET', KEYS[1], '~' .. ARGV[6], 'PX', ARGV[7])
  else redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4]) end
end
local writes = cjson.decode(ARGV[5])
for i, w in ipairs(writes) do
  local key = KEYS[1 + i]
  if w[1] == 'set' then
    redis.call('SET', key, w[2], 'PX', w[3])
  elseif w[1] == 'del' then
    redis.call('DEL', key)
  elseif w[1] == 'rem' then
    for j = 1, #w[2] do redis.call('HDEL', key, w[2][j]) end
  else
    for j = 1, #w[2] do redis.call('HSET', key, w[2][j], '') end
    if redis.call('PTTL', key) < tonumber(w[3]) then redis.call('PEXPIRE', key, w[3]) end
  end
end
return 1
`;

/**
 * `take`: answers the JSON and leaves a removal mark with the taker's revision (ARGV[1]) for ARGV[2] ms,
 * so that a take sent twice (see above) answers the value it took instead of "already taken".
 */
export const takeScript = `
local cur = redis.call('GET', KEYS[1])
if not cur then return false end
local first = string.byte(cur, 1)
if first == ${dead} then
  if string.sub(cur, 2, ${1 + revisionLength}) == ARGV[1] then return string.sub(cur, ${2 + revisionLength}) end
  return false
end
if first == ${live} then cur = string.sub(cur, ${2 + revisionLength}) end
redis.call('SET', KEYS[1], '~' .. ARGV[1] .. cur, 'PX', ARGV[2])
return cur
`;

/** The value a stored string holds (see above), or undefined. */
export function decode<T>(stored: string | null): T | undefined {
  if (stored === null) return undefined;
  const first = stored.charCodeAt(0);
  if (first === dead) return undefined;
  return JSON.parse(first === live ? stored.slice(1 + revisionLength) : stored) as T;
}

/** 48 random bits: a revision only has to differ from the others written to the same key. */
export const revision = () => randomBytes(6).toString('base64url');

/** What `swap` stores: the value marked with the swap's revision. */
export function swapped(rev: string, value: unknown): string {
  return `!${rev}${JSON.stringify(value)}`;
}

/** The version `swap` compares: a swapped value's revision; a value `set` wrote is compared whole. */
export function versionOf(stored: string): string {
  return stored.charCodeAt(0) === live ? stored.slice(0, 1 + revisionLength) : stored;
}
