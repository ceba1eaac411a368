import type { Identity } from '../identity.js';
import { pairwiseSubject, publicSubject } from './subject.js';

/** What a site learns about a commenter: the per-site part of the token's claims. */
export interface CommenterClaims {
  sub: string;
  idp: string;
  name: string;
  picture?: string;
  website?: string;
  email?: string;
  email_verified: boolean;
}

export function commenterClaims(
  identity: Identity,
  site: string,
  options: { subject: 'public' | 'pairwise'; subjectKey: Buffer },
): CommenterClaims {
  const sub = publicSubject(identity);
  return {
    sub: options.subject === 'pairwise' ? pairwiseSubject(options.subjectKey, site, sub) : sub,
    idp: identity.provider,
    name: identity.name,
    ...(identity.picture ? { picture: identity.picture } : {}),
    ...(identity.website ? { website: identity.website } : {}),
    ...(identity.email ? { email: identity.email } : {}),
    email_verified: identity.provider !== 'guest' && identity.emailVerified,
  };
}
