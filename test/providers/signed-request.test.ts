import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { BylineError } from '../../src/http/errors.js';
import {
  deletionCode,
  parseSignedRequest,
  signedRequestMaxAgeMs,
} from '../../src/providers/signed-request.js';
import { signRequest } from '../support/facebook-double.js';

const secret = 'fb-app-secret-0123456789abcdef';
const payload = { algorithm: 'HMAC-SHA256', expires: 1291840400, issued_at: 1291836800, user_id: '218471' };
const b64 = (text: string) => Buffer.from(text).toString('base64url');
const sign = (segment: string, key = secret) => createHmac('sha256', key).update(segment).digest('base64url');
/** The moment Facebook issued `payload`: every check below happens then, unless it says otherwise. */
const at = { now: payload.issued_at * 1000 };

function assertRejected(signedRequest: string, message: RegExp) {
  assert.throws(
    () => parseSignedRequest(signedRequest, secret, at),
    (error: unknown) =>
      error instanceof BylineError &&
      error.code === 'invalid_request' &&
      error.status === 400 &&
      message.test(error.message),
  );
}

test('a signed_request signed with the app secret is decoded', () => {
  assert.deepEqual(parseSignedRequest(signRequest(payload, secret), secret, at), payload);
});

test('the algorithm is compared case-insensitively and a numeric user_id becomes a string', () => {
  const parsed = parseSignedRequest(
    signRequest({ algorithm: 'hmac-sha256', user_id: 218471, issued_at: payload.issued_at }, secret),
    secret,
    at,
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
  assert.equal(parseSignedRequest(`${sign(body)}.${body}`, secret, at).user_id, '218471');
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

describe('issued_at: within a day, and not ahead of the clock beyond the skew', () => {
  const issued = payload.issued_at * 1000;
  const check = (now: number, fields: Record<string, unknown> = payload, clockSkew?: number) =>
    parseSignedRequest(signRequest(fields, secret), secret, {
      now,
      ...(clockSkew === undefined ? {} : { clockSkew }),
    });
  const rejected = (now: number, fields?: Record<string, unknown>, clockSkew?: number) =>
    assert.throws(
      () => check(now, fields, clockSkew),
      (error: unknown) => error instanceof BylineError && error.status === 400,
    );

  test('a request up to a day old is accepted; older is refused', () => {
    assert.equal(check(issued + signedRequestMaxAgeMs).user_id, '218471');
    rejected(issued + signedRequestMaxAgeMs + 1);
    rejected(issued + 30 * signedRequestMaxAgeMs);
  });

  test('a request from the future is accepted within the clock skew (60 s by default) and refused beyond', () => {
    assert.equal(check(issued - 60_000).user_id, '218471');
    rejected(issued - 61_000);
    assert.equal(check(issued - 120_000, payload, 120_000).user_id, '218471');
    rejected(issued - 121_000, payload, 120_000);
  });

  test('a request without a usable issued_at is refused', () => {
    const { issued_at: _, ...undated } = payload;
    for (const fields of [
      undated,
      { ...payload, issued_at: null },
      { ...payload, issued_at: String(payload.issued_at) },
      { ...payload, issued_at: payload.issued_at + 0.5 },
      { ...payload, issued_at: 0 },
      { ...payload, issued_at: -1 },
      { ...payload, issued_at: 1e300 },
    ])
      rejected(issued, fields);
  });

  test('expires is not checked: it belongs to the user’s access token, not to the request', () => {
    assert.equal(check(issued + 3 * 60 * 60_000, { ...payload, expires: 0 }).user_id, '218471');
  });
});

describe('deletionCode', () => {
  test('the same request always gives the same code; another request, or another app, another code', () => {
    const request = signRequest(payload, secret);
    const code = deletionCode(request, secret);
    assert.match(code, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(deletionCode(request, secret), code);
    assert.notEqual(
      deletionCode(signRequest({ ...payload, issued_at: payload.issued_at + 1 }, secret), secret),
      code,
    );
    assert.notEqual(deletionCode(request, 'another-apps-secret'), code);
  });

  test('re-encoding the signature (padding) does not make a new code', () => {
    const [signature, body] = signRequest(payload, secret).split('.') as [string, string];
    const padded = `${signature}=.${body}`;
    assert.equal(parseSignedRequest(padded, secret, at).user_id, '218471');
    assert.equal(deletionCode(padded, secret), deletionCode(`${signature}.${body}`, secret));
  });
});
