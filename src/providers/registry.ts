import type { ProviderConfig, ProviderConfigOf } from '../config/schema.js';
import { atprotoProvider } from './atproto/atproto.js';
import type { ProviderDescription } from './description.js';
import { devDescription } from './dev.js';
import { describedProvider } from './engine.js';
import { facebookProvider } from './facebook.js';
import { indieauthProvider } from './indieauth/indieauth.js';
import { mastodonProvider } from './mastodon/mastodon.js';
import { appleDescription } from './presets/apple.js';
import { discordDescription } from './presets/discord.js';
import { githubDescription } from './presets/github.js';
import { gitlabDescription } from './presets/gitlab.js';
import { googleDescription } from './presets/google.js';
import { linkedinDescription } from './presets/linkedin.js';
import { microsoftDescription } from './presets/microsoft.js';
import { oauth2Description } from './presets/oauth2.js';
import { oidcDescription } from './presets/oidc.js';
import { wordpressDescription } from './presets/wordpress.js';
import { xDescription } from './presets/x.js';
import type { UpstreamProvider } from './provider.js';
import type { ProviderContext } from './provider-context.js';

type Describe<T extends ProviderConfig['type']> = (
  config: ProviderConfigOf<T>,
  ctx: ProviderContext,
) => ProviderDescription;
type Adapt<T extends ProviderConfig['type']> = (
  config: ProviderConfigOf<T>,
  ctx: ProviderContext,
) => UpstreamProvider;

/** Provider types that are descriptions, run by the engine: one line per type. */
const descriptions: { [T in ProviderConfig['type']]?: Describe<T> } = {
  oidc: oidcDescription,
  oauth2: oauth2Description,
  wordpress: wordpressDescription,
  dev: devDescription,
  apple: appleDescription,
  github: githubDescription,
  x: xDescription,
  discord: discordDescription,
  google: googleDescription,
  microsoft: microsoftDescription,
  gitlab: gitlabDescription,
  linkedin: linkedinDescription,
};

/** Provider types with an adapter of their own (a maintained Passport strategy). */
const adapters: { [T in ProviderConfig['type']]?: Adapt<T> } = {
  facebook: facebookProvider,
  atproto: atprotoProvider,
  indieauth: indieauthProvider,
  mastodon: mastodonProvider,
};

/** `fetchFn` (the provider's fetch, or its guarded fetch), timing every call under its provider id. */
function timedFetch(ctx: ProviderContext, provider: string, fetchFn: typeof fetch): typeof fetch {
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const end = ctx.timeUpstream(provider, url);
    try {
      return await fetchFn(input, init);
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
    const providerCtx = {
      ...ctx,
      fetch: timedFetch(ctx, config.id, ctx.fetch),
      ...(ctx.guardedFetch ? { guardedFetch: timedFetch(ctx, config.id, ctx.guardedFetch) } : {}),
    };
    const describe = descriptions[config.type] as Describe<typeof config.type> | undefined;
    const adapt = adapters[config.type] as Adapt<typeof config.type> | undefined;
    if (describe) providers.set(config.id, describedProvider(describe(config, providerCtx), providerCtx));
    else if (adapt) providers.set(config.id, adapt(config, providerCtx));
    else throw new TypeError(`no provider implementation for type "${config.type}"`);
  }
  return providers;
}
