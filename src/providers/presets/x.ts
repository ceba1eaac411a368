import type { ProviderConfigOf } from '../../config/providers-schema.js';
import type { Identity } from '../../identity.js';
import type { ProfileInput, ProviderDescription } from '../description.js';
import { exactId, identityOf, safeUrl } from '../profile.js';
import type { ProviderContext } from '../provider-context.js';
import { presetBase } from './base.js';

/** The fields of `GET /2/users/me`'s `data` that Byline reads. */
interface XUser {
  id?: unknown;
  name?: unknown;
  username?: unknown;
  profile_image_url?: unknown;
  url?: unknown;
  entities?: unknown;
  confirmed_email?: unknown;
}

/** The profile's link as the reader wrote it: `url` is X's t.co wrapper, `entities.url` expands it. */
function profileLink(user: XUser): string | undefined {
  const urls = (user.entities as { url?: { urls?: unknown } } | undefined)?.url?.urls;
  const first: unknown = Array.isArray(urls) ? urls[0] : undefined;
  const expanded =
    first && typeof first === 'object' ? (first as { expanded_url?: unknown }).expanded_url : undefined;
  return safeUrl(expanded) ?? safeUrl(user.url);
}

/**
 * `GET /2/users/me`'s `data` as Byline's Identity. The subject is the numeric `id` (a string of digits),
 * never the `username`, which can change. `confirmed_email` is an address X confirmed, so it is verified.
 */
export function identityFromUser(provider: string, user: XUser): Identity {
  const id = exactId(user.id);
  if (!id || !/^\d+$/.test(id)) throw new Error('X returned no user id');
  const { username } = user;
  const handle = typeof username === 'string' && /^\w+$/.test(username) ? username : undefined;
  return identityOf({
    provider,
    id,
    name: user.name,
    username,
    email: user.confirmed_email,
    emailVerified: true,
    picture: user.profile_image_url,
    website: profileLink(user) ?? (handle ? `https://x.com/${handle}` : undefined),
  });
}

const api = 'https://api.x.com';
const emailScope = 'users.email';

/**
 * `type: x`: X's OAuth 2.0 (authorization code with mandatory PKCE; a confidential client authenticates
 * with Basic). `GET /2/users/me` needs `tweet.read users.read`; the email, `users.email` and the
 * `confirmed_email` field. No `offline.access`: Byline keeps no upstream token, so it wants no refresh
 * token, and X sends none.
 */
export function xDescription(config: ProviderConfigOf<'x'>, ctx: ProviderContext): ProviderDescription {
  const scopes = ['tweet.read', 'users.read', ...(config.email ? [emailScope] : [])];
  const me = config.endpoints?.userinfo ?? `${api}/2/users/me`;

  async function profile({ provider, tokens, fetchJson }: ProfileInput): Promise<Identity> {
    // confirmed_email only when the reader granted users.email (X lists the scopes space-separated).
    const granted = tokens.scope === undefined ? scopes : tokens.scope.split(' ');
    const fields = ['profile_image_url', 'url', 'entities'];
    if (granted.includes(emailScope)) fields.push('confirmed_email');
    const url = new URL(me);
    url.searchParams.set('user.fields', fields.join(','));
    const { data } = await fetchJson(url);
    if (data === null || typeof data !== 'object' || Array.isArray(data))
      throw new Error('X answered /2/users/me without data');
    return identityFromUser(provider, data);
  }

  return {
    ...presetBase(config, ctx, 'x'),
    server: {
      endpoints: {
        authorization: 'https://x.com/i/oauth2/authorize',
        token: `${api}/2/oauth2/token`,
        userinfo: `${api}/2/users/me`,
      },
    },
    ...(config.endpoints ? { endpoints: config.endpoints } : {}),
    clientAuth: { method: 'client_secret_basic', secret: config.clientSecret },
    scopes,
    profile,
  };
}
