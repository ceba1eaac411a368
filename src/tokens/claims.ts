import type { Identity } from '../identity.js';
import { pairwiseSubject, publicSubject } from './subject.js';

/** What a site learns about a commenter: the per-site part of the token's claims. */
export interface CommenterClaims {
  sub: string;
  idp: string;
  name: string;
  /** The reader's handle at the provider (a login that may change, unlike `sub`), where it has one. */
  preferred_username?: string;
  picture?: string;
  website?: string;
  email?: string;
  email_verified: boolean;
}

export function commenterClaims(
  identity: Identity,
  site: string,
  options: { subject: 'public' | 'pairwise'; rootSecret: Buffer },
): CommenterClaims {
  const sub = publicSubject(identity);
  return {
    sub: options.subject === 'pairwise' ? pairwiseSubject(options.rootSecret, site, sub) : sub,
    idp: identity.provider,
    name: identity.name,
    ...(identity.username ? { preferred_username: identity.username } : {}),
    ...(identity.picture ? { picture: identity.picture } : {}),
    ...(identity.website ? { website: identity.website } : {}),
    ...(identity.email ? { email: identity.email } : {}),
    // A guest's is true only when they typed the code Byline mailed them (guest.ts says so).
    email_verified: identity.emailVerified,
  };
}

/** The scopes Byline grants (OpenID Connect Core §5.4, and `offline_access` for refresh tokens). */
export const supportedScopes = ['openid', 'profile', 'email', 'offline_access'] as const;

/** What a token says of its commenter: `sub` always, the rest as its scopes allow. */
export type ScopedClaims = Pick<CommenterClaims, 'sub'> & Partial<CommenterClaims>;

/** What a site's config says about requests without a scope: the optional claims they carry (`claims`). */
export interface ClaimsPolicy {
  claims: readonly 'email'[];
}

/**
 * The claims a site asked for (Core §5.4): `profile` brings the name, preferred_username, picture, website
 * and Byline's `idp`, `email` the address and whether it is verified. Without scopes (a request that named
 * none) the claims as before Byline spoke OpenID Connect, except the email address: that reaches a site
 * only when it asks for it, with the `email` scope or, for requests without one, `claims: [email]` in its
 * config (`site`, undefined for a site no longer configured: no email).
 */
export function claimsForScope(
  claims: CommenterClaims,
  scope: readonly string[] | undefined,
  site: ClaimsPolicy | undefined,
): ScopedClaims {
  const { sub, idp, name, preferred_username, picture, website, email, email_verified } = claims;
  if (!scope) {
    // Exactly the claims of the tokens before Byline spoke OpenID Connect: no preferred_username.
    const { email: _email, preferred_username: _username, ...legacy } = claims;
    return site?.claims.includes('email') && email ? { ...legacy, email } : legacy;
  }
  return {
    sub,
    ...(scope.includes('profile')
      ? {
          idp,
          name,
          ...(preferred_username ? { preferred_username } : {}),
          ...(picture ? { picture } : {}),
          ...(website ? { website } : {}),
        }
      : {}),
    ...(scope.includes('email') ? { ...(email ? { email } : {}), email_verified } : {}),
  };
}
