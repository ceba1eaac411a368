import type { ProviderConfigOf } from '../../config/providers-schema.js';
import type { ProviderDescription } from '../description.js';
import { oidcProfile } from '../oidc-profile.js';
import type { ProviderContext } from '../provider-context.js';
import { presetBase } from './base.js';

/**
 * `type: linkedin`: Sign In with LinkedIn using OpenID Connect, found by discovery at
 * www.linkedin.com/oauth. Its quirks: the client authenticates in the POST body only; no PKCE (a web
 * app's token request with a `code_verifier` is refused as invalid_client); no nonce (its ID tokens never
 * carry one, so none is sent); UserInfo is on another host (api.linkedin.com/v2/userinfo); and no
 * `prompt`, so a fresh login cannot be forced. `email_verified` is LinkedIn's, from the ID token.
 */
export function linkedinDescription(
  config: ProviderConfigOf<'linkedin'>,
  ctx: ProviderContext,
): ProviderDescription {
  return {
    ...presetBase(config, ctx, 'linkedin'),
    server: { discover: true, issuer: 'https://www.linkedin.com/oauth' },
    ...(config.endpoints ? { endpoints: config.endpoints } : {}),
    clientAuth: { method: 'client_secret_post', secret: config.clientSecret },
    scopes: ['openid', 'profile', 'email'],
    pkce: false,
    oidc: true,
    nonce: false,
    profile: oidcProfile,
  };
}
