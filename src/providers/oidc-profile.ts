import type { Identity } from '../identity.js';
import type { ProfileInput } from './description.js';
import { cleanEmail, cleanText, exactId, safeUrl } from './profile.js';

/** Standard OpenID Connect claims (Core §5.1) as Byline's Identity. */
function identityFromClaims(provider: string, claims: Record<string, unknown>): Identity {
  // A subject that would have to be changed to fit is refused: the login fails with server_error.
  const id = exactId(claims.sub);
  if (!id) throw new Error('the provider returned no usable subject');
  const given = [claims.given_name, claims.family_name].map((part) => cleanText(part)).filter(Boolean);
  const username = cleanText(claims.preferred_username);
  const email = cleanEmail(claims.email);
  const picture = safeUrl(claims.picture);
  const website = safeUrl(claims.website) ?? safeUrl(claims.profile);
  return {
    provider,
    id,
    name:
      cleanText(claims.name) ??
      (given.length ? given.join(' ') : undefined) ??
      username ??
      cleanText(claims.nickname) ??
      'Anonymous',
    emailVerified: email !== undefined && claims.email_verified === true,
    ...(username ? { username } : {}),
    ...(email ? { email } : {}),
    ...(picture ? { picture } : {}),
    ...(website ? { website } : {}),
  };
}

/**
 * The profile step of OpenID providers: the ID token's claims over UserInfo's (whose `sub` openid-client
 * has checked against the ID token's), and when the reader authenticated (`auth_time`, from the ID
 * token only: UserInfo is not signed for it). `email` and `email_verified` come together from one
 * source, the ID token when it has an address, else UserInfo: a flag from one may be about another
 * address than the other's.
 */
export async function oidcProfile(input: ProfileInput): Promise<Identity> {
  const claims = input.claims as Record<string, unknown> | undefined;
  if (!claims) throw new Error('the provider returned no ID token');
  const userinfo = await input.userinfo();
  const { email, email_verified } = claims.email !== undefined ? claims : userinfo;
  const identity = identityFromClaims(input.provider, { ...userinfo, ...claims, email, email_verified });
  const authTime = claims.auth_time;
  return typeof authTime === 'number' && Number.isSafeInteger(authTime) && authTime > 0
    ? { ...identity, authTime: authTime * 1000 }
    : identity;
}
