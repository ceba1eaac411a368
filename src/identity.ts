/**
 * Who logged in: the domain type every layer speaks (providers produce it, the login record stores it,
 * tokens carry its claims). It imports nothing, so no layer has to reach sideways for it.
 */
export interface Identity {
  /** The provider id (the `idp` claim and the `sub` prefix). */
  provider: string;
  /** The provider's stable user id: WordPress `ID`, Facebook app-scoped id, OIDC `sub`; never an email. */
  id: string;
  name: string;
  /** The reader's handle at the provider (`preferred_username`, a login); it may change, unlike `id`. */
  username?: string;
  email?: string;
  emailVerified: boolean;
  picture?: string;
  website?: string;
  /** When the reader authenticated at the provider (ms), from an OpenID provider's ID token `auth_time`. */
  authTime?: number;
}
