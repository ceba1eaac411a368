import { z } from 'zod';
import { discriminatorError, idKey } from './fields.js';
import { GENERIC_PROVIDER_TYPES } from './provider-fields.js';
import { appleSchema } from './providers/apple.js';
import { atprotoSchema } from './providers/atproto.js';
import { devSchema } from './providers/dev.js';
import { discordSchema } from './providers/discord.js';
import { facebookSchema } from './providers/facebook.js';
import { githubSchema } from './providers/github.js';
import { gitlabSchema } from './providers/gitlab.js';
import { googleSchema } from './providers/google.js';
import { indieauthSchema } from './providers/indieauth.js';
import { linkedinSchema } from './providers/linkedin.js';
import { mastodonSchema } from './providers/mastodon.js';
import { microsoftSchema } from './providers/microsoft.js';
import { oauth2Schema } from './providers/oauth2.js';
import { oidcSchema } from './providers/oidc.js';
import { wordpressSchema } from './providers/wordpress.js';
import { xSchema } from './providers/x.js';

/**
 * Every provider type's config schema, one line per type (src/config/providers/<type>.ts). This order
 * is the order of docs/config.md, of config/schema.json and of the "must be one of" message.
 */
const PROVIDER_SCHEMAS = [
  oidcSchema,
  oauth2Schema,
  wordpressSchema,
  facebookSchema,
  devSchema,
  appleSchema,
  atprotoSchema,
  indieauthSchema,
  mastodonSchema,
  githubSchema,
  xSchema,
  discordSchema,
  googleSchema,
  microsoftSchema,
  gitlabSchema,
  linkedinSchema,
] as const;

const PROVIDER_TYPES: readonly string[] = PROVIDER_SCHEMAS.map((schema) => schema.shape.type.value);

/** Provider types whose id may stand for the type (`wordpress: { clientId, clientSecret }`): all but the generic ones. */
export const BUILTIN_PROVIDER_TYPES: readonly string[] = PROVIDER_TYPES.filter(
  (type) => !(GENERIC_PROVIDER_TYPES as readonly string[]).includes(type),
);

/** Ids the gateway uses itself: the `idp` claim of guests and the mount point of the dev identity provider. */
const RESERVED_PROVIDER_IDS: readonly string[] = ['guest', 'dev-idp'];

/** One provider; exported so that the JSON Schema can mark `type` optional for built-in ids. */
export const providerSchema = z.discriminatedUnion('type', PROVIDER_SCHEMAS, {
  error: discriminatorError(
    'type',
    PROVIDER_TYPES,
    `is required unless the provider id is one of ${BUILTIN_PROVIDER_TYPES.join(', ')}`,
  ),
});

const providerId = idKey('provider').refine((id) => !RESERVED_PROVIDER_IDS.includes(id), {
  message: `is a reserved provider id (${RESERVED_PROVIDER_IDS.join(', ')} are built in)`,
});

/** Fills in `type` from the id (`wordpress: {...}`) before the union picks the variant. */
function impliedTypes(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([id, provider]) => {
      const implied =
        BUILTIN_PROVIDER_TYPES.includes(id) &&
        provider !== null &&
        typeof provider === 'object' &&
        !Array.isArray(provider) &&
        !('type' in provider);
      return [id, implied ? { type: id, ...provider } : provider];
    }),
  );
}

/** The providers as declared, disabled ones included (the config schema drops those after cross-checks). */
export const providersSchema = z
  .preprocess(impliedTypes, z.record(providerId, providerSchema))
  .prefault({})
  .meta({
    description:
      'The login providers, keyed by provider id (used in URLs, the "idp" claim and the "sub" prefix; guest and dev-idp are reserved).',
  });

// Distributes over the union: each type's own fields, without `enabled` (the config drops disabled
// providers), with the id it was declared under.
type Declared<P> = P extends unknown ? Omit<P, 'enabled'> & { id: string } : never;

/** One enabled provider's config; `ProviderConfigOf<'github'>` is one type's. */
export type ProviderConfig = Declared<z.output<(typeof PROVIDER_SCHEMAS)[number]>>;
export type ProviderConfigOf<T extends ProviderConfig['type']> = Extract<ProviderConfig, { type: T }>;
