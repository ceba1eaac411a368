import { domainToASCII } from 'node:url';

/**
 * An email address as guest identities compare it: trimmed and lower-cased. Guest subjects and
 * Gravatar hashes are computed from it, so changing it would change every existing guest's subject.
 */
export const normalisedEmail = (email: string): string => email.trim().toLowerCase();

/** Providers where dots in the local part make no difference, with the domain they deliver for. */
const dotless: Readonly<Record<string, string>> = { 'gmail.com': 'gmail.com', 'googlemail.com': 'gmail.com' };

/**
 * The mailbox `email` most likely delivers to, for counting the mails sent to it (rate limits), never
 * for identity: NFC, lower case, the domain in its ASCII form, a `+tag` dropped from the local part
 * (sub-addressing, which most providers deliver to the same mailbox), and at Gmail the dots dropped
 * too. So `A.da+1@googlemail.com` and `ada+2@gmail.com` are counted as one.
 */
export function mailboxKey(email: string): string {
  const address = normalisedEmail(email.normalize('NFC'));
  const at = address.lastIndexOf('@');
  if (at < 0) return address;
  const rawDomain = address.slice(at + 1);
  const ascii = domainToASCII(rawDomain) || rawDomain;
  const domain = dotless[ascii] ?? ascii;
  let local = address.slice(0, at).replace(/\+.*$/, '');
  if (dotless[ascii]) local = local.replaceAll('.', '');
  return `${local}@${domain}`;
}
