import type { Identity } from '../../identity.js';
import { cleanText, exactId, safeUrl } from '../profile.js';
import type { Instance } from './instance.js';

/**
 * A URL from the reader's account: https, or plain http only where the instance itself may be (a private
 * development instance under `allowPrivateUpstreams`).
 */
function accountUrl(value: unknown, allowHttp: boolean): string | undefined {
  const url = safeUrl(value);
  return url && (url.startsWith('https:') || allowHttp) ? url : undefined;
}

/**
 * The Identity of an account as `GET /api/v1/accounts/verify_credentials` gives it (Mastodon's
 * CredentialAccount; GoToSocial and Akkoma answer the same shape). The id is `<host>:<account id>`, so the
 * subject is `mastodon:<host>:<account id>`: account ids are only unique on their instance. The name is the
 * display name as written, custom emoji shortcodes (`:blobcat:`) left as text, else the username; the
 * picture is the avatar, the website the profile page. No email: the API gives none.
 */
export function accountIdentity(
  provider: string,
  instance: Instance,
  account: Record<string, unknown>,
): Identity {
  const id = exactId(account.id, 200);
  if (!id) throw new Error(`${instance.host}'s verify_credentials has no account id`);
  const username = cleanText(account.username, 100);
  const acct = cleanText(account.acct, 300);
  const allowHttp = instance.origin.startsWith('http:');
  const picture = accountUrl(account.avatar, allowHttp);
  const website = accountUrl(account.url, allowHttp);
  const handle = acct?.includes('@') ? acct : username ? `${username}@${instance.hostname}` : undefined;
  return {
    provider,
    id: `${instance.host}:${id}`,
    name: cleanText(account.display_name, 200) ?? username ?? 'Anonymous',
    ...(handle ? { username: handle } : {}),
    emailVerified: false,
    ...(picture ? { picture } : {}),
    ...(website ? { website } : {}),
  };
}
