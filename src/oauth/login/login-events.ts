import type { LoginOutcome } from '../../http/metrics.js';
import type { GatewayContext } from '../gateway-context.js';
import { type AuthorizationRequest, loginTtlMs } from './records.js';

/** The one log line and counter per finished login: provider, site, outcome and how long it took. */
export function recordLogin(
  ctx: GatewayContext,
  request: Pick<AuthorizationRequest, 'site' | 'expires'> | { site: string; started: number },
  provider: string,
  outcome: LoginOutcome,
): void {
  const started = 'started' in request ? request.started : request.expires - loginTtlMs;
  const durationMs = Math.max(0, ctx.clock.now() - started);
  ctx.metrics.logins.inc({ provider, site: request.site, outcome });
  ctx.log.info({ provider, site: request.site, outcome, durationMs }, 'login');
}
