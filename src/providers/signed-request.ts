import { createHmac, timingSafeEqual } from 'node:crypto';
import { BylineError } from '../http/errors.js';

/** The payload of a Facebook `signed_request` (data deletion, deauthorize), once verified. */
export interface SignedRequest {
  algorithm: string;
  /** The app-scoped id of the user the request is about. */
  user_id: string;
  issued_at?: number;
  expires?: number;
  [key: string]: unknown;
}

/** Facebook's requests are a few hundred bytes; anything far larger is not one. */
export const maxSignedRequestLength = 8 * 1024;

/**
 * How long after `issued_at` a signed_request is accepted. Facebook posts it when the user removes the
 * app and may retry for a while; a day allows that, and a request captured (a log, a proxy) can be
 * replayed only within it (and a replay then changes nothing: see `deletionCode`).
 */
export const signedRequestMaxAgeMs = 24 * 60 * 60_000;

/** When a signed_request is checked: the app's clock, and how far ahead of it `issued_at` may be. */
export interface SignedRequestTime {
  /** Now, in ms (`ctx.clock.now()`). */
  now: number;
  /** ms an `issued_at` may be ahead of `now` (`tokens.clockSkew`, the one tolerance); default 60 s. */
  clockSkew?: number;
}

const segment = /^[A-Za-z0-9_-]+={0,2}$/;
const userIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

function invalid(message: string): BylineError {
  return new BylineError('invalid_request', message);
}

/**
 * Verifies and decodes `base64url(signature).base64url(payload)`: the signature is HMAC-SHA256 of the
 * payload segment as sent, keyed with the app secret. The signature is checked (in constant time) before
 * the payload is parsed, so unauthenticated JSON is never interpreted. `issued_at` (seconds) must be
 * present, at most `signedRequestMaxAgeMs` old and not ahead of `time.now` by more than the clock skew.
 * Every failure is a 400 that says nothing about the secret.
 */
export function parseSignedRequest(
  signedRequest: string,
  appSecret: string,
  time: SignedRequestTime,
): SignedRequest {
  if (typeof signedRequest !== 'string' || signedRequest.length > maxSignedRequestLength)
    throw invalid('The signed_request is missing or too long.');
  const parts = signedRequest.split('.');
  const [signaturePart, payloadPart] = parts;
  // Buffer's base64url decoder skips characters it does not know, so the alphabet is checked first.
  if (
    parts.length !== 2 ||
    !signaturePart ||
    !payloadPart ||
    !segment.test(signaturePart) ||
    !segment.test(payloadPart)
  )
    throw invalid('The signed_request is malformed.');

  const signature = Buffer.from(signaturePart, 'base64url');
  const expected = createHmac('sha256', appSecret).update(payloadPart).digest();
  if (signature.length !== expected.length || !timingSafeEqual(signature, expected))
    throw invalid('The signed_request signature is not valid.');

  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8'));
  } catch {
    throw invalid('The signed_request payload is malformed.');
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
    throw invalid('The signed_request payload is malformed.');
  const fields = payload as Record<string, unknown>;
  if (typeof fields.algorithm !== 'string' || fields.algorithm.toUpperCase() !== 'HMAC-SHA256')
    throw invalid('The signed_request algorithm must be HMAC-SHA256.');
  // Facebook sends the id as a string of digits; a number is accepted when it is exact.
  const userId =
    typeof fields.user_id === 'number' && Number.isSafeInteger(fields.user_id) && fields.user_id > 0
      ? String(fields.user_id)
      : fields.user_id;
  if (typeof userId !== 'string' || !userIdPattern.test(userId))
    throw invalid('The signed_request names no user.');
  const issuedAt = fields.issued_at;
  if (typeof issuedAt !== 'number' || !Number.isSafeInteger(issuedAt) || issuedAt <= 0)
    throw invalid('The signed_request has no issued_at.');
  // `expires` belongs to the user's access token in Facebook's signed requests (it may be 0 or absent),
  // not to the request, so it says nothing about replays and is not checked.
  const age = time.now - issuedAt * 1000;
  if (age > signedRequestMaxAgeMs || -age > (time.clockSkew ?? 60_000))
    throw invalid('The signed_request is too old, or issued in the future.');
  return { ...fields, algorithm: fields.algorithm, user_id: userId, issued_at: issuedAt };
}

/**
 * The confirmation code of a verified data deletion request, derived from its signature (keyed with the
 * app secret, so it reveals nothing): Facebook retrying, or anyone replaying, the same signed_request gets
 * the same code, so the caller can keep one deletion record per request. The signature's bytes are used,
 * not its text, so that re-encoding it (padding) does not make a new code.
 */
export function deletionCode(signedRequest: string, appSecret: string): string {
  const signature = Buffer.from(signedRequest.split('.')[0] ?? '', 'base64url');
  return createHmac('sha256', appSecret)
    .update('byline-deletion-code')
    .update(signature)
    .digest()
    .subarray(0, 16)
    .toString('base64url');
}
