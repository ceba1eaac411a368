import type { OidcProviderConfig } from '../../config/schema.js';
import type { ProviderDescription } from '../description.js';
import { oidcProfile } from '../oidc-profile.js';
import type { ProviderContext } from '../provider-context.js';

/** `type: oidc`: any OpenID provider, found by discovery at its issuer on the first login. */
export function oidcDescription(config: OidcProviderConfig, ctx: ProviderContext): ProviderDescription {
  return {
    id: config.id,
    type: 'oidc',
    name: config.name,
    icon: ctx.iconUrl(config.icon, '/static/icons/openid.svg'),
    server: { discover: true, issuer: config.issuer },
    ...(config.endpoints ? { endpoints: config.endpoints } : {}),
    clientId: config.clientId,
    clientAuth: config.clientSecret
      ? { method: 'client_secret_post', secret: config.clientSecret }
      : { method: 'none' },
    scopes: config.scopes,
    oidc: true,
    forceLoginParams: { prompt: 'login' },
    profile: oidcProfile,
  };
}
