import { join } from 'node:path';
import { type Clock, systemClock } from '../clock.js';
import type { Config } from '../config/schema.js';
import { algorithmsInUse } from './algorithms.js';
import {
  createKeyRecord,
  type KeyRecord,
  type KeyState,
  KeyStore,
  keyFileName,
  type SigningAlgorithm,
  writeFileAtomic,
} from './keystore.js';

/** One key as `byline keys list` shows it (times in ms since the epoch). */
interface KeyListEntry {
  kid: string;
  alg: SigningAlgorithm;
  state: KeyState;
  created: number;
  activates: number;
  retires?: number;
}

const iso = (ms: number | undefined) => (ms === undefined ? '-' : new Date(ms).toISOString());

/** The keys under `dataDir/keys`, oldest first; undefined while there are none. Never creates a key. */
async function readKeyList(config: Config, clock: Clock = systemClock): Promise<KeyListEntry[] | undefined> {
  const keys = await KeyStore.openExisting(config.dataDir, { clock });
  return keys?.list().map(({ record, state }) => ({
    kid: record.kid,
    alg: record.alg,
    state,
    created: record.created,
    activates: record.activates,
    ...(record.retires === undefined ? {} : { retires: record.retires }),
  }));
}

/** Rows as columns two spaces apart, each as wide as its widest cell (the last one unpadded). */
function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows
    .map((row) =>
      row.map((cell, column) => (column < row.length - 1 ? cell.padEnd(widths[column] ?? 0) : cell)),
    )
    .map((cells) => `${cells.join('  ')}\n`)
    .join('');
}

/**
 * `byline keys list`: a header and one aligned line per key, `kid alg state created activates retires`,
 * or a sentence saying there are none yet. It only reads: a fresh dataDir stays as it was.
 */
export async function listKeys(config: Config, clock: Clock = systemClock): Promise<string> {
  const keys = await readKeyList(config, clock);
  if (!keys) {
    return `No signing keys in ${join(config.dataDir, 'keys')} yet: \`byline serve\` creates them when it first starts (or run \`byline keys rotate\`).\n`;
  }
  return table([
    ['KID', 'ALG', 'STATE', 'CREATED', 'ACTIVATES', 'RETIRES'],
    ...keys.map((key) => [
      key.kid,
      key.alg,
      key.state,
      iso(key.created),
      iso(key.activates),
      iso(key.retires),
    ]),
  ]);
}

/** What `byline keys rotate` did. */
export interface Rotation {
  /** The new keys, one per algorithm in use (state `next`, or `active` with --now). */
  added: KeyListEntry[];
  /**
   * The keys they take over from, with the time each leaves the JWKS (now, for a key that never signed);
   * `inUse: false` for a key of an algorithm the config no longer names, which no new key replaces.
   */
  superseded: { kid: string; alg: SigningAlgorithm; retires: number; inUse: boolean }[];
  /** When the rotation ran (ms). */
  at: number;
  dir: string;
}

/**
 * `byline keys rotate`: for every algorithm in use (`tokens.algorithm`, `tokens.idTokenAlgorithm`, the
 * sites' `idTokenAlgorithm`), publishes a new key now that signs only after `keys.activationDelay` (every
 * verifier's cached JWKS has it by then), and schedules the keys it replaces to leave the JWKS once the
 * last token they signed has expired (accessTtl + clockSkew after the new keys take over). Keys of an
 * algorithm no longer in use leave on the same schedule, replaced by none.
 */
export async function rotateKeys(
  config: Config,
  options: { now: boolean },
  clock: Clock = systemClock,
): Promise<Rotation> {
  const algorithms = algorithmsInUse(config);
  // An existing set is opened as it is: an algorithm that has no key yet gets its first one below,
  // published now and signing after the delay like the others, rather than one that signs at once.
  const keys =
    (await KeyStore.openExisting(config.dataDir, { clock })) ??
    (await KeyStore.open(config.dataDir, { algorithm: config.tokens.algorithm, algorithms, clock }));
  const now = clock.now();
  const activates = options.now ? now : now + config.keys.activationDelay;
  const records: KeyRecord[] = [];
  for (const alg of algorithms) records.push(await createKeyRecord(alg, now, activates));
  const afterLastToken = activates + config.tokens.accessTtl + config.tokens.clockSkew;
  const superseded: Rotation['superseded'] = [];
  for (const { record: old, state, file } of keys.list()) {
    if (state === 'retired') continue;
    // A pending key that would take over no earlier than the new one never signs: it leaves at once
    // (else, with --now, it would take over at its activation and leave while its tokens still live).
    const retires = state === 'next' && old.activates >= activates ? now : afterLastToken;
    if (old.retires !== undefined && old.retires <= retires) continue;
    await writeFileAtomic(join(keys.dir, file), JSON.stringify({ ...old, retires }, null, 2));
    superseded.push({ kid: old.kid, alg: old.alg, retires, inUse: algorithms.includes(old.alg) });
  }
  for (const record of records) {
    await writeFileAtomic(join(keys.dir, keyFileName(record.kid)), JSON.stringify(record, null, 2));
  }
  return {
    added: records.map((record) => ({
      kid: record.kid,
      alg: record.alg,
      state: options.now ? 'active' : 'next',
      created: now,
      activates,
    })),
    superseded,
    at: now,
    dir: keys.dir,
  };
}

/** "10 minutes", "1 hour", "90 seconds": the largest unit that divides the time exactly. */
function spoken(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1000, 'second'],
  ];
  for (const [size, name] of units) {
    if (ms >= size && ms % size === 0) return `${ms / size} ${name}${ms === size ? '' : 's'}`;
  }
  return `${ms} ms`;
}

/** "a", "a and b", "a, b and c". */
function spokenList(items: string[]): string {
  return items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/**
 * What `byline keys rotate` prints: each new key and its algorithm, when they start signing, and what
 * happens to the old ones.
 */
export function describeRotation({ added, superseded, at, dir }: Rotation): string {
  const one = added.length === 1;
  const keys = spokenList(added.map(({ kid, alg }) => `${kid} (${alg})`));
  const lines = [`Added signing key${one ? '' : 's'} ${keys} to ${dir}.`];
  const activates = added[0]?.activates ?? at;
  if (activates <= at) {
    lines.push(
      one
        ? 'It signs from now on (--now): verifiers that cached the key set before now fetch it again when they meet its kid.'
        : 'They sign from now on (--now): verifiers that cached the key set before now fetch it again when they meet their kids.',
    );
  } else {
    const when = `${iso(activates)} (in ${spoken(activates - at)})`;
    lines.push(
      one
        ? `It is published in the JWKS now and starts signing at ${when}, once every verifier's cached key set holds it.`
        : `They are published in the JWKS now and start signing at ${when}, once every verifier's cached key set holds them.`,
    );
  }
  const until = activates > at ? 'signs until then and ' : '';
  for (const { kid, alg, retires, inUse } of superseded) {
    const key = `Key ${kid} (${alg})`;
    if (retires <= at) lines.push(`${key} had not started signing and is withdrawn.`);
    else if (!inUse)
      lines.push(
        `${key} is of an algorithm no longer in use and stays published until ${iso(retires)}, so that the tokens it signed still verify.`,
      );
    else
      lines.push(
        `${key} ${until}stays published until ${iso(retires)}, so that the tokens it signed still verify.`,
      );
  }
  lines.push(`Running gateways on this dataDir pick the new key${one ? '' : 's'} up within 30 seconds.`);
  return `${lines.join('\n')}\n`;
}
