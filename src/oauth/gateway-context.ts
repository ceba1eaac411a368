import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Config, SiteConfig } from '../config/schema.js';
import type { CookiePolicy } from '../http/cookies.js';
import type { Metrics } from '../http/metrics.js';
import type { RateLimits } from '../http/rate-limit.js';
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
}

/** The providers a site offers, in its configured order (all enabled providers when it names none). */
export function siteProviders(ctx: GatewayContext, site: SiteConfig): UpstreamProvider[] {
  const ids = site.providers ?? [...ctx.providers.keys()];
  return ids.flatMap((id) => {
    const provider = ctx.providers.get(id);
    return provider ? [provider] : [];
  });
}
