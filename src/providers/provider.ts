import type { Request } from 'express';
import type { Strategy } from 'passport';

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

/** True for failures to reach the provider at all (refused, reset, DNS, timeout). */
export function isUnreachable(error: unknown): boolean {
  // passport-oauth2's InternalOAuthError keeps the transport's error in `oauthError`, not `cause`.
  const next = (e: Error) => (e.cause ?? (e as { oauthError?: unknown }).oauthError) as unknown;
  for (let e = error; e instanceof Error; e = next(e)) {
    if (e instanceof UpstreamUnavailableError) return true;
    if (e.name === 'TimeoutError' || e.name === 'AbortError' || e.name === 'ConnectTimeoutError') return true;
    const code = (e as NodeJS.ErrnoException).code;
    if (
      code &&
      /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|UND_ERR_\w+)$/.test(code)
    )
      return true;
  }
  return false;
}
