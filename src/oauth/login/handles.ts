import {
  type Cipher,
  createCipheriv,
  createDecipheriv,
  createHmac,
  type Decipher,
  timingSafeEqual,
} from 'node:crypto';
import { deriveKey } from '../../crypto/derive-key.js';

/**
 * The names Byline hands out for a site session, derived instead of stored, all under keys derived from
 * the root secret (shared by every instance, never in the store):
 *
 * - `sid` = AES-256 of one block (login id ‖ site-session number). It locates the site session inside
 *   its login record, yet two sites' sids of one login look unrelated (a permutation of unique blocks).
 * - the one-time code = `<sid>.<HMAC(sid)>`: one per site session, so "already redeemed" is a state of
 *   the site session and needs no record of its own.
 * - refresh token number n = `<sid>.<n>.<HMAC(sid, n)>`: the family keeps only the current n, and any
 *   earlier token of the family is still recognisable as ours (reuse) while a made-up one is not.
 *
 * A store dump therefore holds nothing that works as a code or token.
 */

interface SidParts {
  readonly loginId: string;
  readonly number: number;
}

const openedLimit = 10_000;

/** Recently opened sids, per sid key: a map lookup, not a decode and decipher, on every /userinfo and refresh. */
const openedSids = new WeakMap<Buffer, Map<string, SidParts>>();

const sidKey = (rootSecret: Buffer) => deriveKey(rootSecret, 'byline sid');

/**
 * One AES-256-ECB context each way per sid key, kept: ECB without padding turns every 16-byte block on
 * its own and holds nothing back, so `update` of one block is that block's permutation, whatever came
 * before. Only whole blocks may go in (a partial one would stay in the context and shift every later
 * sid): sidFor writes 16 bytes, and sidPattern admits only the 22 characters of 16. A new context per
 * sid cost about three times the block (its key schedule, the cipher looked up by name).
 */
const sidCiphers = new WeakMap<Buffer, { encrypt: Cipher; decrypt: Decipher }>();
function sidCipher(key: Buffer): { encrypt: Cipher; decrypt: Decipher } {
  let ciphers = sidCiphers.get(key);
  if (!ciphers) {
    ciphers = {
      encrypt: createCipheriv('aes-256-ecb', key, null).setAutoPadding(false),
      decrypt: createDecipheriv('aes-256-ecb', key, null).setAutoPadding(false),
    };
    sidCiphers.set(key, ciphers);
  }
  return ciphers;
}
const macKey = (rootSecret: Buffer) => deriveKey(rootSecret, 'byline code and refresh token');

/** Login ids are this many random bytes; with the 4-byte site-session number they fill one AES block. */
export const loginIdBytes = 12;

const sidPattern = /^[A-Za-z0-9_-]{22}$/;

/** The sid of site session `number` of login `loginId` (base64url of 12 bytes). */
export function sidFor(rootSecret: Buffer, loginId: string, number: number): string {
  const block = Buffer.alloc(16);
  if (block.write(loginId, 'base64url') !== loginIdBytes) throw new TypeError('sidFor: not a login id');
  block.writeUInt32BE(number, loginIdBytes);
  return sidCipher(sidKey(rootSecret)).encrypt.update(block).toString('base64url');
}

/** The login id and site-session number a sid names; undefined for anything that is not a sid. */
export function openSid(rootSecret: Buffer, sid: string): SidParts | undefined {
  if (!sidPattern.test(sid)) return undefined;
  const key = sidKey(rootSecret);
  let opened = openedSids.get(key);
  if (!opened) {
    opened = new Map();
    openedSids.set(key, opened);
  }
  const known = opened.get(sid);
  if (known) return known;
  const block = sidCipher(key).decrypt.update(Buffer.from(sid, 'base64url'));
  const parts = Object.freeze({
    loginId: block.toString('base64url', 0, loginIdBytes),
    number: block.readUInt32BE(loginIdBytes),
  });
  // Oldest first out: a Map iterates in insertion order.
  if (opened.size >= openedLimit) opened.delete(opened.keys().next().value as string);
  opened.set(sid, parts);
  return parts;
}

function mac(rootSecret: Buffer, message: string): string {
  return createHmac('sha256', macKey(rootSecret)).update(message).digest('base64url');
}

/** Constant time; the callers' patterns admit only 43 characters, the length of every MAC. */
function sameMac(rootSecret: Buffer, message: string, presented: string): boolean {
  const expected = Buffer.from(mac(rootSecret, message), 'latin1');
  const given = Buffer.from(presented, 'latin1');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The one-time code of a site session. */
export function codeFor(rootSecret: Buffer, sid: string): string {
  return `${sid}.${mac(rootSecret, `code\0${sid}`)}`;
}

const codePattern = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

/** The sid of a genuine code; undefined for anything Byline did not issue. */
export function readCode(rootSecret: Buffer, code: string): string | undefined {
  const match = codePattern.exec(code);
  if (!match) return undefined;
  const [, sid, presented] = match as unknown as [string, string, string];
  return sameMac(rootSecret, `code\0${sid}`, presented) ? sid : undefined;
}

/** Refresh token `number` of the family of site session `sid`. */
export function refreshTokenFor(rootSecret: Buffer, sid: string, number: number): string {
  const n = number.toString(36);
  return `${sid}.${n}.${mac(rootSecret, `refresh\0${sid}\0${n}`)}`;
}

const refreshPattern = /^([A-Za-z0-9_-]{22})\.([0-9a-z]{1,8})\.([A-Za-z0-9_-]{43})$/;

/** The sid and number of a genuine refresh token; undefined for anything Byline did not issue. */
export function readRefreshToken(
  rootSecret: Buffer,
  token: string,
): { sid: string; number: number } | undefined {
  const match = refreshPattern.exec(token);
  if (!match) return undefined;
  const [, sid, n, presented] = match as unknown as [string, string, string, string];
  if (!sameMac(rootSecret, `refresh\0${sid}\0${n}`, presented)) return undefined;
  return { sid, number: Number.parseInt(n, 36) };
}
