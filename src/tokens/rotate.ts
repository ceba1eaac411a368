import { join } from 'node:path';
import { type Clock, systemClock } from '../clock.js';
import type { Config } from '../config/schema.js';
import {
  createKeyRecord,
  type KeyState,
  KeyStore,
  keyFileName,
  type SigningAlgorithm,
  writeFileAtomic,
} from './keystore.js';

/** One key as `byline keys list` shows it (times in ms since the epoch). */
export interface KeyListEntry {
  kid: string;
  alg: SigningAlgorithm;
  state: KeyState;
  created: number;
  activates: number;
  retires?: number;
}

const iso = (ms: number | undefined) => (ms === undefined ? '-' : new Date(ms).toISOString());

/** The keys under `dataDir/keys`, oldest first; undefined while there are none. Never creates a key. */
export async function readKeyList(
  config: Config,
  clock: Clock = systemClock,
): Promise<KeyListEntry[] | undefined> {
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
  /** The new key (state `next`, or `active` with --now). */
  added: KeyListEntry;
  /** The keys it takes over from, with the time each leaves the JWKS (now, for a key that never signed). */
  superseded: { kid: string; retires: number }[];
  /** When the rotation ran (ms). */
  at: number;
  dir: string;
}

/**
 * `byline keys rotate`: publishes a new key now that signs only after `keys.activationDelay` (every
 * verifier's cached JWKS has it by then), and schedules the current key to leave the JWKS once the last
 * token it signed has expired (accessTtl + clockSkew after the new key takes over).
 */
export async function rotateKeys(
  config: Config,
  options: { now: boolean },
  clock: Clock = systemClock,
): Promise<Rotation> {
  const keys = await KeyStore.open(config.dataDir, { algorithm: config.tokens.algorithm, clock });
  const now = clock.now();
  const activates = options.now ? now : now + config.keys.activationDelay;
  const record = await createKeyRecord(config.tokens.algorithm, now, activates);
  const afterLastToken = activates + config.tokens.accessTtl + config.tokens.clockSkew;
  const superseded: Rotation['superseded'] = [];
  for (const { record: old, state } of keys.list()) {
    if (state === 'retired') continue;
    // A pending key that would take over no earlier than the new one never signs: it leaves at once
    // (else, with --now, it would take over at its activation and leave while its tokens still live).
    const retires = state === 'next' && old.activates >= activates ? now : afterLastToken;
    if (old.retires !== undefined && old.retires <= retires) continue;
    await writeFileAtomic(join(keys.dir, keyFileName(old.kid)), JSON.stringify({ ...old, retires }, null, 2));
    superseded.push({ kid: old.kid, retires });
  }
  await writeFileAtomic(join(keys.dir, keyFileName(record.kid)), JSON.stringify(record, null, 2));
  return {
    added: {
      kid: record.kid,
      alg: record.alg,
      state: options.now ? 'active' : 'next',
      created: now,
      activates,
    },
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

/** What `byline keys rotate` prints: when the new key starts signing, and what happens to the old ones. */
export function describeRotation({ added, superseded, at, dir }: Rotation): string {
  const lines = [`Added signing key ${added.kid} (${added.alg}) to ${dir}.`];
  if (added.activates <= at) {
    lines.push(
      'It signs from now on (--now): verifiers that cached the key set before now fetch it again when they meet its kid.',
    );
  } else {
    lines.push(
      `It is published in the JWKS now and starts signing at ${iso(added.activates)} (in ${spoken(added.activates - at)}), once every verifier's cached key set holds it.`,
    );
  }
  const until = added.activates > at ? 'signs until then and ' : '';
  for (const { kid, retires } of superseded) {
    lines.push(
      retires <= at
        ? `Key ${kid} had not started signing and is withdrawn.`
        : `Key ${kid} ${until}stays published until ${iso(retires)}, so that the tokens it signed still verify.`,
    );
  }
  lines.push('Running gateways on this dataDir pick the new key up within 30 seconds.');
  return `${lines.join('\n')}\n`;
}
