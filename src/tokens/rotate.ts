import { join } from 'node:path';
import { type Clock, systemClock } from '../clock.js';
import type { Config } from '../config/schema.js';
import { createKeyRecord, KeyStore, keyFileName, writeFileAtomic } from './keystore.js';

const iso = (ms: number | undefined) => (ms === undefined ? '-' : new Date(ms).toISOString());

/** `byline keys list`: one line per key, `kid alg state created activates retires`. */
export async function listKeys(config: Config, clock: Clock = systemClock): Promise<string> {
  const keys = await KeyStore.open(config.dataDir, { algorithm: config.tokens.algorithm, clock });
  return keys
    .list()
    .map(
      ({ record, state }) =>
        `${record.kid} ${record.alg} ${state} ${iso(record.created)} ${iso(record.activates)} ${iso(record.retires)}\n`,
    )
    .join('');
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
): Promise<string> {
  const keys = await KeyStore.open(config.dataDir, { algorithm: config.tokens.algorithm, clock });
  const now = clock.now();
  const activates = options.now ? now : now + config.keys.activationDelay;
  const record = await createKeyRecord(config.tokens.algorithm, now, activates);
  const afterLastToken = activates + config.tokens.accessTtl + config.tokens.clockSkew;
  for (const { record: old, state } of keys.list()) {
    if (state === 'retired') continue;
    // A pending key that would take over no earlier than the new one never signs: it leaves at once
    // (else, with --now, it would take over at its activation and leave while its tokens still live).
    const retires = state === 'next' && old.activates >= activates ? now : afterLastToken;
    if (old.retires !== undefined && old.retires <= retires) continue;
    await writeFileAtomic(join(keys.dir, keyFileName(old.kid)), JSON.stringify({ ...old, retires }, null, 2));
  }
  await writeFileAtomic(join(keys.dir, keyFileName(record.kid)), JSON.stringify(record, null, 2));
  return `${record.kid} ${record.alg} ${options.now ? 'active' : 'next'} ${iso(record.created)} ${iso(activates)} -\n`;
}
