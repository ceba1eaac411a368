import type { Identity } from '../../identity.js';
import { cleanEmail, cleanText, exactId, safeUrl } from '../profile.js';
import { UpstreamDeniedError } from '../provider.js';
import { profileUrl, siteLabel } from './profile-url.js';

export interface Redemption {
  /** The authorization endpoint, where a code for the profile alone is redeemed (IndieAuth §5.3.1). */
  endpoint: string;
  code: string;
  clientId: string;
  redirectUri: string;
  codeVerifier: string;
}

/** What the server answered: the profile URL it vouches for and the profile the reader shared. */
export interface ProfileUrlResponse {
  me: URL;
  profile: Record<string, unknown>;
}

/** Bytes of the server's answer read at most (a profile URL response is a few hundred). */
const maxAnswerLength = 64 * 1024;

/**
 * Redeems the code at the authorization endpoint (IndieAuth §5.3.2: Byline only needs to know who logged
 * in, and keeps no token), with the PKCE verifier. An OAuth error answer `access_denied` refuses the
 * login; any other failure fails it, its message naming the status or the error code, never the body.
 */
export async function redeemCode(
  fetcher: typeof fetch,
  redemption: Redemption,
  allowPrivate: boolean,
  signal: AbortSignal,
): Promise<ProfileUrlResponse> {
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    code: redemption.code,
    client_id: redemption.clientId,
    redirect_uri: redemption.redirectUri,
    code_verifier: redemption.codeVerifier,
  });
  const response = await fetcher(redemption.endpoint, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
    body,
    redirect: 'manual',
    signal,
  });
  const text = await response.text();
  let answer: unknown;
  try {
    answer = text.length <= maxAnswerLength ? JSON.parse(text) : undefined;
  } catch {
    answer = undefined;
  }
  const fields =
    typeof answer === 'object' && answer !== null && !Array.isArray(answer)
      ? (answer as Record<string, unknown>)
      : undefined;
  if (!response.ok || fields === undefined || typeof fields.error === 'string') {
    const error = typeof fields?.error === 'string' ? cleanText(fields.error, 64) : undefined;
    if (error === 'access_denied') throw new UpstreamDeniedError('the IndieAuth server refused the code');
    throw new Error(
      `the IndieAuth server did not redeem the code (HTTP ${response.status}${error ? `, ${error}` : fields ? '' : ', not a JSON object'})`,
    );
  }
  const me = profileUrl(fields.me, allowPrivate);
  if (!me) throw new Error('the IndieAuth server answered no valid profile URL (me)');
  const profile =
    typeof fields.profile === 'object' && fields.profile !== null && !Array.isArray(fields.profile)
      ? (fields.profile as Record<string, unknown>)
      : {};
  return { me, profile };
}

/**
 * The reader as Byline knows them: the profile URL is the id (subject `<provider>:<url>`, so
 * `indieauth:https://alice.example/`) and the website; name, photo and email come from the profile the
 * server shared (IndieAuth §5.3.4: informational, never used to identify anyone), else the site's name.
 * The email is never verified: any server can answer any address.
 */
export function indieAuthIdentity(provider: string, answer: ProfileUrlResponse): Identity {
  const id = exactId(answer.me.href);
  if (!id) throw new Error('the profile URL is too long to be a subject');
  const label = siteLabel(answer.me);
  const email = cleanEmail(answer.profile.email);
  const picture = safeUrl(answer.profile.photo);
  return {
    provider,
    id,
    name: cleanText(answer.profile.name, 80) ?? label,
    username: label,
    emailVerified: false,
    ...(email ? { email } : {}),
    ...(picture ? { picture } : {}),
    website: answer.me.href,
  };
}
