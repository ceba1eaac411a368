import type { Identity } from '../../identity.js';
import { cleanText, exactId, safeUrl } from '../profile.js';
import { type Instance, isUserPart } from './instance.js';

/**
 * An account id as Mastodon (a number), GoToSocial (a ULID) and Akkoma (a FlakeId) write them. Nothing
 * else: the subject is `mastodon:<host>:<id>` and a host may end in `:<port>`, so an id with a colon could
 * name another instance's account (`a.example` with id `8443:5` is `a.example:8443` with id `5`).
 */
const accountId = /^[A-Za-z0-9_-]+$/;

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
 * picture is the avatar. Only the instance vouches for what the site shows as who the reader is: the
 * username is `<username>@<instance>` whatever `acct` says, and the website (the profile page) is kept only
 * on the instance itself. No email: the API gives none.
 */
export function accountIdentity(
  provider: string,
  instance: Instance,
  account: Record<string, unknown>,
): Identity {
  const id = exactId(account.id, 200);
  if (!id || !accountId.test(id))
    throw new Error(`${instance.host}'s verify_credentials has no account id of letters, digits, _ and -`);
  const typed = cleanText(account.username, 64);
  const username = typed && isUserPart(typed) ? typed : undefined;
  const picture = accountUrl(account.avatar, instance.origin.startsWith('http:'));
  const profile = safeUrl(account.url);
  const website = profile && new URL(profile).origin === instance.origin ? profile : undefined;
  return {
    provider,
    id: `${instance.host}:${id}`,
    name: cleanText(account.display_name, 200) ?? username ?? 'Anonymous',
    ...(username ? { username: `${username}@${instance.hostname}` } : {}),
    emailVerified: false,
    ...(picture ? { picture } : {}),
    ...(website ? { website } : {}),
  };
}
