import type { Clock } from '../../src/clock.js';
import type { ProviderContext } from '../../src/providers/provider-context.js';

/**
 * What createProviders gives a provider, for a test that builds one itself: Byline at `gateway.url` (a
 * running test gateway, or just a public URL), plain fetch, no upstream metrics, no mounted routes.
 * `overrides` adds or replaces members (a Store, a guarded fetch, a router to mount on).
 */
export function testProviderContext(
  gateway: { url: string; clock?: Clock },
  overrides: Partial<ProviderContext> = {},
): ProviderContext {
  const { url } = gateway;
  return {
    publicUrl: url,
    fetch,
    upstreamTimeout: 5000,
    clock: gateway.clock ?? { now: () => Date.now() },
    callbackUrl: (id) => `${url}/auth/${id}/callback`,
    mount: () => {},
    timeUpstream: () => () => {},
    iconUrl: (icon, fallback) => new URL(icon ?? fallback, `${url}/`).href,
    ...overrides,
  };
}
