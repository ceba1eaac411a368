import type { ProviderConfigOf } from '../../config/providers-schema.js';
import type { Identity } from '../../identity.js';
import type { ProfileInput, ProviderDescription } from '../description.js';
import { oidcProfile } from '../oidc-profile.js';
import { cleanText } from '../profile.js';
import type { ProviderContext } from '../provider-context.js';
import { presetBase } from './base.js';

/** The standard claims, with GitLab's `nickname` (its username too) for a missing `preferred_username`. */
async function gitlabProfile(input: ProfileInput): Promise<Identity> {
  const identity = await oidcProfile(input);
  const nickname = cleanText(input.claims?.nickname);
  return identity.username || !nickname ? identity : { ...identity, username: nickname };
}

/**
 * `type: gitlab`: GitLab's OpenID provider, gitlab.com or a self-managed instance (`issuer`), found by
 * discovery. The subject is the numeric user id (`sub`); `preferred_username` or `nickname` (the
 * changeable handle) is the username only; `email_verified` is GitLab's word that the reader confirmed the address.
 */
export function gitlabDescription(
  config: ProviderConfigOf<'gitlab'>,
  ctx: ProviderContext,
): ProviderDescription {
  return {
    ...presetBase(config, ctx, 'gitlab'),
    server: { discover: true, issuer: config.issuer },
    ...(config.endpoints ? { endpoints: config.endpoints } : {}),
    clientAuth: { method: 'client_secret_post', secret: config.clientSecret },
    scopes: ['openid', 'profile', 'email'],
    oidc: true,
    forceLoginParams: { prompt: 'login' },
    profile: gitlabProfile,
  };
}
