import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { BylineError } from '../../src/http/errors.js';
import { parseSignedRequest } from '../../src/providers/signed-request.js';
import { signRequest } from '../support/facebook-double.js';

const secret = 'fb-app-secret-0123456789abcdef';
const payload = { algorithm: 'HMAC-SHA256', expires: 1291840400, issued_at: 1291836800, user_id: '218471' };
const b64 = (text: string) => Buffer.from(text).toString('base64url');
const sign = (segment: string, key = secret) => createHmac('sha256', key).update(segment).digest('base64url');

function assertRejected(signedRequest: string, message: RegExp) {
  assert.throws(
    () => parseSignedRequest(signedRequest, secret),
    (error: unknown) =>
      error instanceof BylineError &&
      error.code === 'invalid_request' &&
      error.status === 400 &&
      message.test(error.message),
  );
}

test('a signed_request signed with the app secret is decoded', () => {
  assert.deepEqual(parseSignedRequest(signRequest(payload, secret), secret), payload);
});

test('the algorithm is compared case-insensitively and a numeric user_id becomes a string', () => {
  const parsed = parseSignedRequest(
    signRequest({ algorithm: 'hmac-sha256', user_id: 218471 }, secret),
    secret,
  );
  assert.equal(parsed.user_id, '218471');
  assert.equal(parsed.algorithm, 'hmac-sha256');
});

test('padded base64url segments are accepted', () => {
  const body = Buffer.from(JSON.stringify({ ...payload, note: 'abc' }))
    .toString('base64')
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
  assert.ok(body.endsWith('=='));
  assert.equal(parseSignedRequest(`${sign(body)}.${body}`, secret).user_id, '218471');
});

test('a forged or tampered signature is refused', () => {
  assertRejected(signRequest(payload, 'another-apps-secret'), /signature/);
  const [signature, body] = signRequest(payload, secret).split('.') as [string, string];
  const tampered = b64(JSON.stringify({ ...payload, user_id: '999' }));
  assertRejected(`${signature}.${tampered}`, /signature/);
  assertRejected(`${signature.slice(0, -4)}.${body}`, /signature/);
  assertRejected(`${b64('x')}.${body}`, /signature/);
});

test('any algorithm other than HMAC-SHA256 is refused, even when the signature matches', () => {
  for (const algorithm of ['HMAC-SHA1', 'none', 'HS256', '', 42]) {
    assertRejected(signRequest({ ...payload, algorithm }, secret), /algorithm/);
  }
  const { algorithm: _, ...withoutAlgorithm } = payload;
  assertRejected(signRequest(withoutAlgorithm, secret), /algorithm/);
});

test('malformed input is refused', () => {
  const good = signRequest(payload, secret);
  assertRejected('', /malformed/);
  assertRejected('no-dot-at-all', /malformed/);
  assertRejected(`${good}.extra`, /malformed/);
  assertRejected(`.${good.split('.')[1]}`, /malformed/);
  assertRejected(`${good.split('.')[0]}.`, /malformed/);
  assertRejected(`${good.split('.')[0]}.e30!`, /malformed/);
  assertRejected(`abc$.${good.split('.')[1]}`, /malformed/);
  const notJson = b64('{"algorithm":"HMAC-SHA256",');
  assertRejected(`${sign(notJson)}.${notJson}`, /payload/);
  for (const value of ['null', '[]', '"text"', '7'])
    assertRejected(`${sign(b64(value))}.${b64(value)}`, /payload/);
});

test('a payload without a usable user_id is refused', () => {
  for (const user_id of [undefined, '', {}, ['1'], 'a b', 'x'.repeat(65), -1, 1.5]) {
    assertRejected(signRequest({ algorithm: 'HMAC-SHA256', user_id }, secret), /no user/);
  }
});

test('oversize input is refused before any work', () => {
  const huge = signRequest({ ...payload, padding: 'x'.repeat(9000) }, secret);
  assertRejected(huge, /too long/);
});
