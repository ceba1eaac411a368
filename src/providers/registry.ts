import type { ProviderConfig } from '../config/schema.js';
import { devProvider } from './dev.js';
import { facebookProvider } from './facebook.js';
import { oidcProvider } from './oidc.js';
import type { UpstreamProvider } from './provider.js';
import type { ProviderContext } from './provider-context.js';
import { wordpressProvider } from './wordpress.js';

type Factory<T extends ProviderConfig['type']> = (
  config: Extract<ProviderConfig, { type: T }>,
  ctx: ProviderContext,
) => UpstreamProvider;

/** One line per provider type. */
const factories: { [T in ProviderConfig['type']]?: Factory<T> } = {
  oidc: oidcProvider,
  dev: devProvider,
  wordpress: wordpressProvider,
  facebook: facebookProvider,
};

/** The provider's fetch, timing every call under its provider id. */
function timedFetch(ctx: ProviderContext, provider: string): typeof fetch {
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const end = ctx.timeUpstream(provider, url);
    try {
      return await ctx.fetch(input, init);
    } finally {
      end();
    }
  };
}

export function createProviders(
  configs: Record<string, ProviderConfig>,
  ctx: ProviderContext,
): Map<string, UpstreamProvider> {
  const providers = new Map<string, UpstreamProvider>();
  for (const config of Object.values(configs)) {
    const factory = factories[config.type] as Factory<typeof config.type> | undefined;
    if (!factory) throw new TypeError(`no provider implementation for type "${config.type}"`);
    providers.set(config.id, factory(config, { ...ctx, fetch: timedFetch(ctx, config.id) }));
  }
  return providers;
}
