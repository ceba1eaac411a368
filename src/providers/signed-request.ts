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

const segment = /^[A-Za-z0-9_-]+={0,2}$/;
const userIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

function invalid(message: string): BylineError {
  return new BylineError('invalid_request', message);
}

/**
 * Verifies and decodes `base64url(signature).base64url(payload)`: the signature is HMAC-SHA256 of the
 * payload segment as sent, keyed with the app secret. The signature is checked (in constant time) before
 * the payload is parsed, so unauthenticated JSON is never interpreted. Every failure is a 400 that says
 * nothing about which check failed.
 */
export function parseSignedRequest(signedRequest: string, appSecret: string): SignedRequest {
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
  return { ...fields, algorithm: fields.algorithm, user_id: userId };
}
