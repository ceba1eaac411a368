import type { ProviderConfigOf } from '../../config/providers-schema.js';
import type { Identity } from '../../identity.js';
import type { ProviderDescription } from '../description.js';
import { exactId, identityOf } from '../profile.js';
import type { ProviderContext } from '../provider-context.js';
import { presetBase } from './base.js';

/** The fields of `GET /users/@me` that Byline reads. */
interface DiscordUser {
  id?: unknown;
  username?: unknown;
  discriminator?: unknown;
  global_name?: unknown;
  avatar?: unknown;
  email?: unknown;
  verified?: unknown;
}

const cdn = 'https://cdn.discordapp.com';

/**
 * The avatar's CDN URL, built from the id and the avatar hash as Discord's image formatting says: PNG,
 * or, for an animated hash (`a_…`), animated WebP (Discord's advice over GIF). No avatar: Discord's
 * default one, `(id >> 22) % 6` on the new username system, `discriminator % 5` on the legacy one.
 * 128 px is plenty beside a comment.
 */
export function avatarUrl(id: string, avatar: unknown, discriminator: unknown): string {
  if (typeof avatar === 'string' && /^(a_)?[0-9a-f]{32}$/.test(avatar))
    return avatar.startsWith('a_')
      ? `${cdn}/avatars/${id}/${avatar}.webp?size=128&animated=true`
      : `${cdn}/avatars/${id}/${avatar}.png?size=128`;
  const legacy = typeof discriminator === 'string' && /^\d{4}$/.test(discriminator);
  const index = legacy ? Number(discriminator) % 5 : Number((BigInt(id) >> 22n) % 6n);
  return `${cdn}/embed/avatars/${index}.png`;
}

/**
 * `GET /users/@me` as Byline's Identity. The subject is the snowflake `id`; the name is the display
 * name (`global_name`), else the username. The email comes with scope `email`; `verified` says whether
 * Discord verified it.
 */
export function identityFromUser(provider: string, user: DiscordUser): Identity {
  const id = exactId(user.id);
  // A snowflake is a 64-bit integer, sent as a string of digits.
  if (!id || !/^\d{1,20}$/.test(id)) throw new Error('Discord returned no user id');
  return identityOf({
    provider,
    id,
    name: user.global_name,
    username: user.username,
    email: user.email,
    emailVerified: user.verified === true,
    picture: avatarUrl(id, user.avatar, user.discriminator),
  });
}

const api = 'https://discord.com/api';

/**
 * `type: discord`: Discord's OAuth2 (not OpenID Connect). The client authenticates with Basic, PKCE S256
 * is sent, and the profile is API v10's `GET /users/@me` with scopes `identify email`.
 */
export function discordDescription(
  config: ProviderConfigOf<'discord'>,
  ctx: ProviderContext,
): ProviderDescription {
  return {
    ...presetBase(config, ctx, 'discord'),
    server: {
      endpoints: {
        authorization: 'https://discord.com/oauth2/authorize',
        token: `${api}/oauth2/token`,
        // Unversioned routes reach the default version, v6, which is deprecated.
        userinfo: `${api}/v10/users/@me`,
      },
    },
    ...(config.endpoints ? { endpoints: config.endpoints } : {}),
    clientAuth: { method: 'client_secret_basic', secret: config.clientSecret },
    scopes: ['identify', 'email'],
    profile: async ({ provider, fetchJson }) => identityFromUser(provider, await fetchJson()),
  };
}
