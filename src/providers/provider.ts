import type { Request } from 'express';
import type { Strategy } from 'passport';

/** Who the reader is at a provider, normalised for the commenter token. */
export interface Identity {
  /** The provider id (the `idp` claim and the `sub` prefix). */
  provider: string;
  /** The provider's stable user id: WordPress `ID`, Facebook app-scoped id, OIDC `sub`; never an email. */
  id: string;
  name: string;
  email?: string;
  emailVerified: boolean;
  picture?: string;
  website?: string;
}

/**
 * An upstream identity provider: data (id, name, icon) plus a Passport strategy. The strategy keeps its
 * per-login state in `req.session[sessionKey]`, which Byline backs with the login transaction.
 */
export interface UpstreamProvider {
  readonly id: string;
  readonly type: string;
  readonly name: string;
  /** URL of an SVG icon served by Byline. */
  readonly icon: string;
  /** Where the strategy keeps its state inside `req.session`. */
  readonly sessionKey: string;
  /** The strategy, built on first use (OIDC discovery happens then, not at start-up). */
  strategy(): Promise<Strategy>;
  /** Options for `strategy.authenticate` on the way out (e.g. a forced login prompt). */
  authorizeOptions?(req: Request, options: { forceLogin: boolean }): Record<string, unknown>;
}

/** Thrown by a provider when it is unreachable, so the site gets `temporarily_unavailable`. */
export class UpstreamUnavailableError extends Error {
  override name = 'UpstreamUnavailableError';
}
