import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Config, SiteConfig } from '../config/schema.js';
import type { CookiePolicy } from '../http/cookies.js';
import type { Metrics } from '../http/metrics.js';
import type { RateLimits } from '../http/rate-limit.js';
import type { Mailer } from '../mail/mailer.js';
import type { UpstreamProvider } from '../providers/provider.js';
import type { Store } from '../store/store.js';
import type { KeyStore } from '../tokens/keystore.js';

/** Everything a route needs, built once by createApp. */
export interface GatewayContext {
  config: Config;
  /** `publicUrl`: the `iss` of every token and the base of every URL Byline hands out. */
  issuer: string;
  sites: Map<string, SiteConfig>;
  providers: Map<string, UpstreamProvider>;
  store: Store;
  keys: KeyStore;
  clock: Clock;
  cookies: CookiePolicy;
  log: Logger;
  metrics: Metrics;
  /** The limiters built from `config.rateLimits` (memory, or Redis with a Redis store). */
  rateLimits: RateLimits;
  /** Sends the codes guests prove their address with; absent without `smtp` in the config. */
  mailer?: Mailer;
  /** Told of every site session that ends early (Back-Channel Logout: oauth/backchannel-logout.ts). */
  logoutNotifier: LogoutNotifier;
}

/** A site session that ended: what a back-channel logout token names (its `sub` is the site's). */
export interface EndedSiteSession {
  site: string;
  sid: string;
  sub: string;
}

/**
 * Told, after the store says so, of the site sessions a logout, a revocation, a refresh-token reuse or a
 * data deletion ended. Returns at once and never throws: whatever it does happens after the request.
 */
export interface LogoutNotifier {
  sessionsEnded(sessions: readonly EndedSiteSession[]): void;
}

/** The providers a site offers, in its configured order (all enabled providers when it names none). */
export function siteProviders(ctx: GatewayContext, site: SiteConfig): UpstreamProvider[] {
  const ids = site.providers ?? [...ctx.providers.keys()];
  return ids.flatMap((id) => {
    const provider = ctx.providers.get(id);
    return provider ? [provider] : [];
  });
}
