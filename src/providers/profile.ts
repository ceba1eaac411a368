/** Helpers that turn whatever a provider sends into safe Identity fields. */

import type { Identity } from '../identity.js';

/** An http(s) URL, or undefined: a `javascript:` picture or website must never reach a comment page. */
export function safeUrl(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 2048) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** A trimmed, single-line string of at most `max` characters, or undefined when empty. */
export function cleanText(value: unknown, max = 200): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .trim();
  return text ? text.slice(0, max) : undefined;
}

export function cleanEmail(value: unknown): string | undefined {
  const text = cleanText(value, 254);
  return text && /^[^\s@]+@[^\s@]+$/.test(text) ? text : undefined;
}

/** OpenID Connect Core §2: `sub` is at most 255 ASCII characters; Byline takes up to 255 of any. */
const maxSubjectLength = 255;

/**
 * A provider's user id exactly as sent, or undefined when it is not a usable one: not a string, empty,
 * longer than `max`, with surrounding whitespace or with control characters. Such an id is refused, never
 * trimmed or cut: two different ids must never become one Byline subject (`alice` and ` alice`, or two
 * long ids that share their first 255 characters), and the site's `sub` must be the provider's.
 */
export function exactId(value: unknown, max = maxSubjectLength): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) return undefined;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (value.trim() !== value || /[\u0000-\u001f\u007f-\u009f]/.test(value)) return undefined;
  return value;
}

/** A reader as a provider describes them: the checked id, and the other fields as the provider sent them. */
export interface ProfileFields {
  /** The provider id (`Identity.provider`). */
  provider: string;
  /** The user id, already checked to be exact (exactId, and the provider's own form). */
  id: string;
  /** The display name; the username stands in for a missing one, then "Anonymous". */
  name?: unknown;
  username?: unknown;
  email?: unknown;
  /** The provider's word that it verified `email`: counts only when true and there is an email. */
  emailVerified?: boolean;
  picture?: unknown;
  website?: unknown;
}

/**
 * The Identity of a provider's fields, each cleaned once here: names and username as single-line text,
 * the email as an address, picture and website as http(s) URLs only; what does not pass is left out.
 */
export function identityOf(fields: ProfileFields): Identity {
  const username = cleanText(fields.username);
  const email = cleanEmail(fields.email);
  const picture = safeUrl(fields.picture);
  const website = safeUrl(fields.website);
  return {
    provider: fields.provider,
    id: fields.id,
    name: cleanText(fields.name) ?? username ?? 'Anonymous',
    emailVerified: email !== undefined && fields.emailVerified === true,
    ...(username ? { username } : {}),
    ...(email ? { email } : {}),
    ...(picture ? { picture } : {}),
    ...(website ? { website } : {}),
  };
}
