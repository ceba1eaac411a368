import type { ProviderConfigOf } from '../../config/schema.js';
import type { ProviderDescription } from '../description.js';
import { oidcProfile } from '../oidc-profile.js';
import type { ProviderContext } from '../provider-context.js';
import { presetBase } from './base.js';

/** `type: oidc`: any OpenID provider, found by discovery at its issuer on the first login. */
export function oidcDescription(config: ProviderConfigOf<'oidc'>, ctx: ProviderContext): ProviderDescription {
  return {
    ...presetBase(config, ctx, 'oidc', 'openid'),
    server: { discover: true, issuer: config.issuer },
    ...(config.endpoints ? { endpoints: config.endpoints } : {}),
    clientAuth: config.clientSecret
      ? { method: 'client_secret_post', secret: config.clientSecret }
      : { method: 'none' },
    scopes: config.scopes,
    oidc: true,
    forceLoginParams: { prompt: 'login' },
    profile: oidcProfile,
  };
}
