import type { Request } from 'express';
import type { Strategy } from 'passport';

export type StrategyOutcome =
  | { kind: 'redirect'; url: string }
  | { kind: 'success'; user: unknown }
  | { kind: 'fail'; challenge: unknown; status?: number }
  | { kind: 'error'; error: unknown }
  | { kind: 'pass' };

/**
 * Runs one Passport strategy the way `passport.authenticate` does (a per-request instance with the
 * success/fail/redirect/error/pass actions), but resolves with the outcome instead of writing the
 * response. Byline must persist the login transaction before redirecting and must map failures onto
 * OAuth errors for the site, which passport's own response handling would get in the way of.
 */
export function runStrategy(
  strategy: Strategy,
  req: Request,
  options: Record<string, unknown>,
): Promise<StrategyOutcome> {
  return new Promise((resolve) => {
    const instance = Object.create(strategy) as Strategy & {
      success(user: unknown): void;
      fail(challenge?: unknown, status?: number): void;
      redirect(url: string): void;
      error(error: unknown): void;
      pass(): void;
    };
    instance.success = (user) => resolve({ kind: 'success', user });
    instance.fail = (challenge, status) =>
      resolve({ kind: 'fail', challenge: typeof challenge === 'number' ? undefined : challenge, status });
    instance.redirect = (url) => resolve({ kind: 'redirect', url });
    instance.error = (error) => resolve({ kind: 'error', error });
    instance.pass = () => resolve({ kind: 'pass' });
    try {
      (instance.authenticate as (req: Request, options: Record<string, unknown>) => void).call(
        instance,
        req,
        options,
      );
    } catch (error) {
      resolve({ kind: 'error', error });
    }
  });
}
