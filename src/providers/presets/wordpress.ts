import type { ProviderConfigOf } from '../../config/schema.js';
import type { Identity } from '../../identity.js';
import type { ProviderDescription } from '../description.js';
import { identityOf } from '../profile.js';
import type { ProviderContext } from '../provider-context.js';
import { presetBase } from './base.js';

/** The fields of `GET /rest/v1.1/me` that Byline reads. */
interface WordPressMe {
  ID?: unknown;
  display_name?: unknown;
  username?: unknown;
  email?: unknown;
  email_verified?: unknown;
  avatar_URL?: unknown;
  profile_URL?: unknown;
}

export function identityFromMe(provider: string, me: WordPressMe): Identity {
  const id =
    typeof me.ID === 'number' && Number.isSafeInteger(me.ID) && me.ID > 0
      ? String(me.ID)
      : typeof me.ID === 'string' && /^\d{1,20}$/.test(me.ID)
        ? me.ID
        : undefined;
  if (!id) throw new Error('WordPress.com returned no user ID');
  return identityOf({
    provider,
    id,
    name: me.display_name,
    username: me.username,
    email: me.email,
    emailVerified: me.email_verified === true,
    picture: me.avatar_URL,
    website: me.profile_URL,
  });
}

const api = 'https://public-api.wordpress.com';

/**
 * `type: wordpress`: WordPress.com's OAuth 2.0 (not OpenID Connect: no ID token, no nonce). The token
 * endpoint refuses `Authorization: Basic`, so the client authenticates with POST parameters; the
 * profile is `/rest/v1.1/me` with scope `auth`.
 */
export function wordpressDescription(
  config: ProviderConfigOf<'wordpress'>,
  ctx: ProviderContext,
): ProviderDescription {
  return {
    ...presetBase(config, ctx, 'wordpress'),
    server: {
      issuer: api,
      endpoints: {
        authorization: `${api}/oauth2/authorize`,
        token: `${api}/oauth2/token`,
        userinfo: `${api}/rest/v1.1/me`,
      },
    },
    ...(config.endpoints ? { endpoints: config.endpoints } : {}),
    clientAuth: { method: 'client_secret_post', secret: config.clientSecret },
    scopes: ['auth'],
    profile: async ({ provider, fetchJson }) => identityFromMe(provider, await fetchJson()),
  };
}
