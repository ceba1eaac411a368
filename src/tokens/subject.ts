import { createHash, createHmac } from 'node:crypto';
import { deriveKey } from '../crypto/derive-key.js';
import type { Identity } from '../identity.js';
import { normalisedEmail } from '../mail/address.js';

/** `<idp>:<provider user id>`: the subject every site sees under `subject: public`. */
export function publicSubject(identity: Pick<Identity, 'provider' | 'id'>): string {
  return `${identity.provider}:${identity.id}`;
}

/** Per-site opaque subject: base64url(HMAC-SHA256(root secret, site id + "|" + public sub)). */
export function pairwiseSubject(rootSecret: Buffer, siteId: string, publicSub: string): string {
  return createHmac('sha256', rootSecret).update(`${siteId}|${publicSub}`).digest('base64url');
}

/** The guest id for an email: base64url(HMAC-SHA256(root secret, trimmed lower-case email)). */
export function guestId(rootSecret: Buffer, email: string): string {
  return createHmac('sha256', rootSecret).update(normalisedEmail(email)).digest('base64url');
}

/**
 * The guest id of a reader who proved they receive mail at `email`: base64url(HMAC-SHA256(a key derived
 * from the root secret for this alone, trimmed lower-case email)). Never equal to `guestId` of any
 * typed address, so a guest who only types someone's address cannot take a verified guest's subject.
 */
export function verifiedGuestId(rootSecret: Buffer, email: string): string {
  return createHmac('sha256', deriveKey(rootSecret, 'byline verified guest subject'))
    .update(normalisedEmail(email))
    .digest('base64url');
}

/** A guest's Gravatar: SHA-256 of the trimmed lower-case email, identicon fallback. */
export function gravatarUrl(email: string): string {
  const hash = createHash('sha256').update(normalisedEmail(email)).digest('hex');
  return `https://gravatar.com/avatar/${hash}?d=identicon`;
}
