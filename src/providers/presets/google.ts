import type { ProviderConfigOf } from '../../config/providers-schema.js';
import type { ProviderDescription } from '../description.js';
import { oidcProfile } from '../oidc-profile.js';
import type { ProviderContext } from '../provider-context.js';
import { presetBase } from './base.js';

const issuer = 'https://accounts.google.com';

/**
 * `type: google`: Google's OpenID provider, found by discovery at accounts.google.com. Its ID tokens'
 * `iss` is `https://accounts.google.com` or, from legacy implementations, the bare `accounts.google.com`
 * (Google's OpenID Connect reference): both are accepted, each validated in full. `email_verified` is
 * the ID token's; `hd` (a Google Workspace domain) is not read: any Google account may comment.
 */
export function googleDescription(
  config: ProviderConfigOf<'google'>,
  ctx: ProviderContext,
): ProviderDescription {
  return {
    ...presetBase(config, ctx, 'google'),
    server: { discover: true, issuer },
    ...(config.endpoints ? { endpoints: config.endpoints } : {}),
    clientAuth: { method: 'client_secret_post', secret: config.clientSecret },
    scopes: ['openid', 'email', 'profile'],
    oidc: true,
    idTokenIssuerAliases: [new URL(issuer).host],
    // Google's prompt takes none, consent and select_account (no login): the reader picks the account again.
    forceLoginParams: { prompt: 'select_account' },
    profile: oidcProfile,
  };
}
