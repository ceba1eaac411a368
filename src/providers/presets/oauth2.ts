import type { ProviderConfigOf } from '../../config/schema.js';
import type { Identity } from '../../identity.js';
import type { ProviderDescription } from '../description.js';
import { exactId, identityOf } from '../profile.js';
import { type ProviderContext, upstreamEndpoint } from '../provider-context.js';
import { presetBase } from './base.js';

type ProfileMapping = ProviderConfigOf<'oauth2'>['profile'];

/** The value at a dotted path (`data.user.id`, `emails.0.value`): own properties only, else undefined. */
function at(json: unknown, path: string): unknown {
  let value = json;
  for (const segment of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/** A user id as the provider sent it: a string kept exactly (exactId), or a whole number as its digits. */
function mappedId(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? String(value) : undefined;
  return exactId(value);
}

/** A profile JSON object as Byline's Identity, through the admin's mapping (`providers.<id>.profile`). */
export function identityFromProfile(
  provider: string,
  json: Record<string, unknown>,
  mapping: ProfileMapping,
): Identity {
  const id = mappedId(at(json, mapping.id));
  if (!id) throw new Error(`the profile has no usable id at "${mapping.id}"`);
  const field = (path: string | undefined) => (path === undefined ? undefined : at(json, path));
  return identityOf({
    provider,
    id,
    name: field(mapping.name),
    username: field(mapping.username),
    email: field(mapping.email),
    // Only an explicit boolean true is the provider's word that it verified the address.
    emailVerified: field(mapping.emailVerified) === true,
    picture: field(mapping.picture),
    website: field(mapping.website),
  });
}

/**
 * `type: oauth2`: a plain OAuth 2.0 provider an admin describes in config alone: its three endpoints,
 * scopes, client authentication, PKCE, and where the identity is in its userinfo JSON.
 */
export function oauth2Description(
  config: ProviderConfigOf<'oauth2'>,
  ctx: ProviderContext,
): ProviderDescription {
  return {
    ...presetBase(config, ctx, 'oauth2'),
    server: {
      endpoints: {
        authorization: upstreamEndpoint(config.id, 'authorization', config.endpoints.authorization).href,
        token: upstreamEndpoint(config.id, 'token', config.endpoints.token).href,
        userinfo: upstreamEndpoint(config.id, 'userinfo', config.endpoints.userinfo).href,
      },
    },
    clientAuth:
      config.clientAuth === 'none'
        ? { method: 'none' }
        : { method: config.clientAuth, secret: config.clientSecret ?? '' },
    scopes: config.scopes,
    pkce: config.pkce,
    profile: async ({ provider, fetchJson }) =>
      identityFromProfile(provider, await fetchJson(), config.profile),
  };
}
