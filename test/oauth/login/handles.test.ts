import assert from 'node:assert/strict';
import { createCipheriv, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { deriveKey } from '../../../src/crypto/derive-key.js';
import { randomId } from '../../../src/crypto/random-id.js';
import {
  codeFor,
  loginIdBytes,
  openSid,
  readCode,
  readRefreshToken,
  refreshTokenFor,
  sidFor,
} from '../../../src/oauth/login/handles.js';

const key = randomBytes(32);
const otherKey = randomBytes(32);
const loginId = randomId(loginIdBytes);

test('a sid opens to the login id and site-session number it was made from', () => {
  for (const number of [0, 1, 7, 2 ** 32 - 1]) {
    const sid = sidFor(key, loginId, number);
    assert.match(sid, /^[A-Za-z0-9_-]{22}$/);
    assert.deepEqual(openSid(key, sid), { loginId, number });
  }
});

test('the sids of one login share nothing visible: no common prefix or suffix', () => {
  const sids = Array.from({ length: 8 }, (_, n) => sidFor(key, loginId, n));
  assert.equal(new Set(sids).size, 8);
  assert.equal(new Set(sids.map((sid) => sid.slice(0, 4))).size, 8);
  assert.equal(new Set(sids.map((sid) => sid.slice(-4))).size, 8);
  assert.ok(sids.every((sid) => !sid.includes(loginId.slice(0, 8))));
});

test('a sid opened under another subject key names some other login', () => {
  const sid = sidFor(key, loginId, 0);
  assert.notEqual(openSid(otherKey, sid)?.loginId, loginId);
});

test('openSid refuses what is not a sid, and sidFor refuses what is not a login id', () => {
  for (const bad of ['', 'short', 'A'.repeat(21), 'A'.repeat(23), `${'A'.repeat(21)}!`])
    assert.equal(openSid(key, bad), undefined);
  assert.throws(() => sidFor(key, 'A'.repeat(22), 0), TypeError);
});

test('a code names its sid and is refused when altered or made under another key', () => {
  const sid = sidFor(key, loginId, 3);
  const code = codeFor(key, sid);
  assert.equal(readCode(key, code), sid);
  assert.equal(readCode(otherKey, code), undefined);
  const [, mac] = code.split('.') as [string, string];
  assert.equal(readCode(key, `${sidFor(key, loginId, 4)}.${mac}`), undefined, 'another sid');
  assert.equal(readCode(key, `${sid}.${'A'.repeat(43)}`), undefined, 'a made-up MAC');
  const last = mac.endsWith('A') ? 'B' : 'A';
  assert.equal(readCode(key, `${sid}.${mac.slice(0, -1)}${last}`), undefined, 'its last character changed');
  assert.equal(readCode(key, `${code}x`), undefined);
});

test('refresh tokens carry their number; each number is a different token; forgeries are refused', () => {
  const sid = sidFor(key, loginId, 0);
  const tokens = [0, 1, 2, 35, 36, 1_000_000].map((n) => refreshTokenFor(key, sid, n));
  assert.equal(new Set(tokens).size, tokens.length);
  assert.deepEqual(
    tokens.map((token) => readRefreshToken(key, token)?.number),
    [0, 1, 2, 35, 36, 1_000_000],
  );
  const [, , mac] = (tokens[1] as string).split('.') as [string, string, string];
  assert.equal(readRefreshToken(key, `${sid}.2.${mac}`), undefined, 'a MAC moved to another number');
  assert.equal(readRefreshToken(otherKey, tokens[0] as string), undefined);
  assert.equal(readRefreshToken(key, codeFor(key, sid)), undefined, 'a code is not a refresh token');
  assert.equal(readCode(key, tokens[0] as string), undefined, 'a refresh token is not a code');
});

test('sids keep opening correctly past the size of the recently-opened cache', () => {
  const sids = Array.from({ length: 10_050 }, (_, n) => sidFor(key, loginId, n));
  for (const [n, sid] of sids.entries()) assert.equal(openSid(key, sid)?.number, n);
  assert.deepEqual(openSid(key, sids[0] as string), { loginId, number: 0 }, 'evicted, opened again');
});

test('every sid is its own block under AES-256, whatever was turned before it (the kept context chains nothing)', () => {
  const fresh = (id: string, number: number) => {
    const block = Buffer.alloc(16);
    block.write(id, 'base64url');
    block.writeUInt32BE(number, loginIdBytes);
    const cipher = createCipheriv('aes-256-ecb', deriveKey(key, 'byline sid'), null).setAutoPadding(false);
    return Buffer.concat([cipher.update(block), cipher.final()]).toString('base64url');
  };
  for (let n = 0; n < 50; n++) {
    const id = randomId(loginIdBytes);
    assert.equal(sidFor(key, id, n), fresh(id, n));
    assert.deepEqual(openSid(otherKey, sidFor(otherKey, id, n)), { loginId: id, number: n });
  }
});
