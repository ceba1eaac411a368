import { z } from 'zod';
import { DURATION_PATTERN, parseDuration } from './duration.js';

// ---------------------------------------------------------------------------------------------
// Building blocks

const ID_PATTERN = /^[a-z][a-z0-9-]{1,31}$/;
const ID_RULE = '2 to 32 characters: a lower-case letter, then lower-case letters, digits or "-"';

/** Ids the gateway uses itself: the `idp` claim of guests and the mount point of the dev identity provider. */
export const RESERVED_PROVIDER_IDS: readonly string[] = ['guest', 'dev-idp'];

/** Provider types whose id may stand for the type (`wordpress: { clientId, clientSecret }`). */
export const BUILTIN_PROVIDER_TYPES: readonly string[] = ['wordpress', 'facebook', 'dev'];

const DURATION_MESSAGE = 'must be a duration like 10m, 60s or 30d';

// Placeholders always yield strings, so numeric and boolean keys also take their string forms.
function fromEnv<T extends z.ZodType>(schema: T, parse: (text: string) => unknown) {
  return z.preprocess((value) => (typeof value === 'string' ? parse(value.trim()) : value), schema);
}
const integer = (min: number, max?: number) =>
  fromEnv(max === undefined ? z.int().min(min) : z.int().min(min).max(max), (text) =>
    /^-?\d+$/.test(text) ? Number(text) : text,
  );
const boolean = () =>
  fromEnv(z.boolean(), (text) => {
    if (text === 'true') return true;
    return text === 'false' ? false : text;
  });

const duration = z
  .union(
    [z.string().regex(DURATION_PATTERN, DURATION_MESSAGE), z.int(DURATION_MESSAGE).min(0, DURATION_MESSAGE)],
    { error: DURATION_MESSAGE },
  )
  .transform((value, ctx) => {
    try {
      return parseDuration(value);
    } catch {
      ctx.issues.push({ code: 'custom', message: DURATION_MESSAGE, input: value });
      return z.NEVER;
    }
  })
  .meta({ title: 'duration' });
const positiveDuration = duration.refine((ms) => ms > 0, 'must be longer than 0s');

const nonEmpty = z.string().min(1);

/** An empty string means "not set", so that `${VAR:-}` can switch a secret off. */
const optionalSecret = (minLength?: number) =>
  (minLength
    ? z.union([
        z.literal(''),
        z.string().min(minLength, `must be at least ${minLength} characters (or empty for none)`),
      ])
    : z.string()
  )
    .optional()
    .transform((value) => value || undefined);

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}
const isHttp = (url: URL) => url.protocol === 'http:' || url.protocol === 'https:';

/** An absolute http(s) URL, kept exactly as written (redirect URIs are compared as exact strings). */
const httpUrl = (options: { fragment: boolean }) =>
  z.string().check((ctx) => {
    const url = parseUrl(ctx.value);
    let message: string | undefined;
    if (!url) message = 'must be an absolute URL';
    else if (!isHttp(url)) message = 'must be an http:// or https:// URL';
    else if (!options.fragment && ctx.value.includes('#')) message = 'must not contain a fragment (#...)';
    if (message) ctx.issues.push({ code: 'custom', message, input: ctx.value });
  });

/** `scheme://host[:port]`, normalised by URL.origin; a lone trailing slash is tolerated. */
const bareOrigin = (message: string) =>
  z.string().transform((value, ctx) => {
    const url = parseUrl(value);
    const bare =
      url &&
      isHttp(url) &&
      url.pathname === '/' &&
      !url.username &&
      !url.password &&
      !/[?#]/.test(value) &&
      !/^[a-z]+:\/\/[^/]+\/./i.test(value);
    if (!url || !bare) {
      ctx.issues.push({ code: 'custom', message, input: value });
      return z.NEVER;
    }
    return url.origin;
  });

const endpointsSchema = z
  .strictObject({
    authorization: httpUrl({ fragment: false })
      .optional()
      .meta({ description: "The provider's authorization endpoint (where the reader's browser is sent)." }),
    token: httpUrl({ fragment: false })
      .optional()
      .meta({ description: "The provider's token endpoint (called by Byline to exchange the code)." }),
    userinfo: httpUrl({ fragment: false })
      .optional()
      .meta({ description: "The provider's profile endpoint (called by Byline with the access token)." }),
  })
  .optional()
  .meta({
    description:
      'Overrides of the upstream URLs, to reach a staging host, a proxy or a test double; unset ones keep the provider default.',
  });

// ---------------------------------------------------------------------------------------------
// Providers

const providerBase = <T extends string, N extends z.ZodType<string>>(type: T, name: N) => ({
  type: z.literal(type).meta({
    description: BUILTIN_PROVIDER_TYPES.includes(type)
      ? `The provider type; may be omitted when the provider id is "${type}".`
      : 'The provider type.',
  }),
  name,
  icon: z
    .string()
    .refine(
      (value) => value.startsWith('/static/') || (parseUrl(value) !== undefined && isHttp(new URL(value))),
      'must be an absolute URL or a /static/... path',
    )
    .optional()
    .meta({
      description: 'The button icon: an absolute URL or a path under /static/ (default: the built-in icon).',
    }),
  enabled: boolean().prefault(true).meta({ description: 'Set to false to switch the provider off.' }),
});

const clientId = nonEmpty.meta({ description: 'The client (app) id registered with the provider.' });
const clientSecret = nonEmpty.meta({ description: 'The client (app) secret registered with the provider.' });

const oidcProvider = z.strictObject({
  ...providerBase('oidc', nonEmpty.meta({ description: 'The name on the login button, such as "Google".' })),
  issuer: httpUrl({ fragment: false }).meta({
    description: "The provider's issuer URL; its /.well-known/openid-configuration is discovered.",
  }),
  clientId,
  clientSecret: optionalSecret().meta({
    description: 'The client secret; leave unset or empty for a public client (PKCE only).',
  }),
  scopes: z
    .array(nonEmpty)
    .refine((scopes) => scopes.includes('openid'), 'must include "openid"')
    .default(['openid', 'profile', 'email'])
    .meta({ description: 'The scopes requested.' }),
  endpoints: endpointsSchema,
});

const wordpressProvider = z.strictObject({
  ...providerBase(
    'wordpress',
    nonEmpty.default('WordPress.com').meta({ description: 'The name on the login button.' }),
  ),
  clientId,
  clientSecret,
  endpoints: endpointsSchema,
});

const facebookProvider = z.strictObject({
  ...providerBase(
    'facebook',
    nonEmpty.default('Facebook').meta({ description: 'The name on the login button.' }),
  ),
  clientId: nonEmpty.meta({ description: 'The Facebook app id.' }),
  clientSecret: nonEmpty.meta({
    description: 'The Facebook app secret (also verifies data-deletion requests).',
  }),
  graphApiVersion: z
    .string()
    .regex(/^v\d+\.\d+$/, 'must be a Graph API version like v21.0')
    .default('v21.0')
    .meta({ description: 'The Graph API version used for login and the profile.' }),
  endpoints: endpointsSchema,
});

const devProvider = z.strictObject(
  providerBase('dev', nonEmpty.default('Dev login').meta({ description: 'The name on the login button.' })),
);

const PROVIDER_TYPES = ['oidc', 'wordpress', 'facebook', 'dev'];

/** The record's values as the JSON schema describes them (see `configJsonSchema`). */
const providerSchema = z.discriminatedUnion(
  'type',
  [oidcProvider, wordpressProvider, facebookProvider, devProvider],
  {
    error: (issue) =>
      issue.input !== null && typeof issue.input === 'object' && !('type' in issue.input)
        ? `is required unless the provider id is one of ${BUILTIN_PROVIDER_TYPES.join(', ')}`
        : `must be one of ${PROVIDER_TYPES.map((type) => JSON.stringify(type)).join(', ')}`,
  },
);

const providerId = z
  .string()
  .regex(ID_PATTERN, `is not a valid provider id (${ID_RULE})`)
  .refine((id) => !RESERVED_PROVIDER_IDS.includes(id), {
    message: `is a reserved provider id (${RESERVED_PROVIDER_IDS.join(', ')} are built in)`,
  });

const providersSchema = z
  .preprocess(
    (value) => {
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
    },
    z.record(providerId, providerSchema),
  )
  .prefault({})
  .meta({
    description:
      'The login providers, keyed by provider id (used in URLs, the "idp" claim and the "sub" prefix; guest and dev-idp are reserved).',
  });

// ---------------------------------------------------------------------------------------------
// Sites

const siteSchema = z.strictObject({
  name: nonEmpty.optional().meta({ description: 'The site name shown to readers (default: the site id).' }),
  origins: z.array(bareOrigin('must be a bare origin like https://blog.example')).meta({
    description:
      'The origins (scheme://host[:port]) of the pages that embed the widget: postMessage targets and CORS origins.',
  }),
  redirectUris: z
    .array(httpUrl({ fragment: false }))
    .min(1, 'must list at least one redirect URI')
    .meta({ description: 'The redirect URIs accepted from this site, compared as exact strings.' }),
  secret: optionalSecret(16).meta({
    description:
      'The client secret (at least 16 characters) that makes the site a confidential client; unset or empty for none.',
  }),
  postLogoutRedirectUris: z
    .array(httpUrl({ fragment: false }))
    .prefault([])
    .meta({ description: 'Where readers may be sent back after logging out.' }),
  guests: z
    .strictObject({
      enabled: boolean().prefault(true).meta({ description: 'Offer the guest form (name, email, website).' }),
      requireEmail: boolean().prefault(true).meta({ description: 'Guests must give an email address.' }),
      requireName: boolean().prefault(true).meta({ description: 'Guests must give a name.' }),
    })
    .prefault({})
    .meta({ description: 'Commenting as a guest, without a provider.' }),
  providers: z
    .array(nonEmpty)
    .optional()
    .meta({
      description: 'The ids of the providers this site offers, in order (default: every enabled provider).',
    }),
});

const sitesSchema = z
  .record(z.string().regex(ID_PATTERN, `is not a valid site id (${ID_RULE})`), siteSchema)
  .refine((sites) => Object.keys(sites).length > 0, 'must define at least one site')
  .transform((sites) =>
    Object.fromEntries(
      Object.entries(sites).map(([id, { name, ...site }]) => [id, { id, name: name ?? id, ...site }]),
    ),
  )
  .meta({
    description:
      'The blogs that use Byline, keyed by site id (the OAuth client_id and the JWT "aud"); at least one.',
  });

// ---------------------------------------------------------------------------------------------
// Everything else

const rateLimit = (points: number, window: string, what: string) =>
  z
    .strictObject({
      points: integer(1).prefault(points).meta({ description: 'How many are allowed per window.' }),
      window: positiveDuration.prefault(window).meta({ description: 'The length of the window.' }),
    })
    .prefault({})
    .meta({ description: `${what}, per client address.` });

const redisUrl = z
  .string()
  .refine(
    (value) => ['redis:', 'rediss:'].includes(parseUrl(value)?.protocol ?? ''),
    'must be a redis:// or rediss:// URL',
  );

const storeSchema = z
  .discriminatedUnion(
    'kind',
    [
      z.strictObject({
        kind: z
          .literal('memory')
          .meta({ description: 'In this process only: one instance, state lost on restart.' }),
      }),
      z.strictObject({
        kind: z.literal('redis').meta({ description: 'Redis, shared by every instance.' }),
        url: redisUrl
          .default('redis://127.0.0.1:6379/0')
          .meta({ description: 'The Redis URL; rediss:// for TLS.' }),
        prefix: z.string().default('byline:').meta({ description: 'The prefix of every key.' }),
      }),
    ],
    {
      error: (issue) =>
        issue.input !== null && typeof issue.input === 'object' && !('kind' in issue.input)
          ? 'is required: memory or redis'
          : 'must be "memory" or "redis"',
    },
  )
  .prefault({ kind: 'memory' })
  .meta({ description: 'Where short-lived state lives: logins, codes, sessions, refresh tokens.' });

const publicUrlSchema = bareOrigin(
  'must be an http(s) origin like https://byline.example (no path, query or fragment)',
);

const baseSchema = z.strictObject({
  publicUrl: publicUrlSchema.optional().meta({
    description:
      "Byline's external base URL and the tokens' iss (default: http://<listen.host>:<listen.port>; required when listen.port is 0).",
  }),
  listen: z
    .strictObject({
      host: nonEmpty.default('127.0.0.1').meta({ description: 'The address to listen on.' }),
      port: integer(0, 65535)
        .prefault(3000)
        .meta({ description: 'The port to listen on; 0 picks a free one.' }),
    })
    .prefault({})
    .meta({ description: 'Where the HTTP server listens.' }),
  dataDir: nonEmpty.default('./data').meta({
    description: 'The directory for signing keys and the subject key, relative to the working directory.',
  }),
  tokens: z
    .strictObject({
      algorithm: z
        .enum(['ES256', 'EdDSA', 'RS256'])
        .default('ES256')
        .meta({ description: 'The signing algorithm of new keys.' }),
      accessTtl: positiveDuration.prefault('10m').meta({ description: 'The lifetime of access tokens.' }),
      refreshTtl: positiveDuration
        .prefault('30d')
        .meta({ description: 'The lifetime of a refresh-token family, absolute from login.' }),
      subject: z.enum(['public', 'pairwise']).default('public').meta({
        description: 'The "sub" claim: public ("wordpress:123") or pairwise (an opaque value per site).',
      }),
      refreshReuseGrace: duration.prefault('0s').meta({
        description: 'How long a second use of a rotated refresh token is tolerated, for racing tabs.',
      }),
      clockSkew: duration
        .prefault('60s')
        .meta({ description: 'The one tolerance for exp, nbf and iat everywhere.' }),
    })
    .prefault({})
    .meta({ description: 'The commenter tokens.' }),
  session: z
    .strictObject({
      ttl: positiveDuration
        .prefault('30d')
        .meta({ description: 'The lifetime of a login session, absolute from login.' }),
    })
    .prefault({})
    .meta({ description: 'Login sessions.' }),
  keys: z
    .strictObject({
      activationDelay: duration.prefault('10m').meta({
        description: 'How long a rotated-in key is published before it signs: the JWKS cache lifetime.',
      }),
    })
    .prefault({})
    .meta({ description: 'Signing-key rotation.' }),
  store: storeSchema,
  http: z
    .strictObject({
      trustProxy: integer(0)
        .prefault(0)
        .meta({ description: 'How many proxy hops to trust for the client address; 0 trusts none.' }),
      upstreamTimeout: positiveDuration
        .prefault('10s')
        .meta({ description: 'The time limit of every call to a provider.' }),
      shutdownGrace: duration
        .prefault('10s')
        .meta({ description: 'How long open requests may finish on shutdown.' }),
    })
    .prefault({})
    .meta({ description: 'HTTP behaviour.' }),
  rateLimits: z
    .strictObject({
      clientAuthFailures: rateLimit(
        20,
        '1m',
        'Failed client authentications at /token, /revoke and /introspect',
      ),
      guest: rateLimit(30, '1m', 'Guest logins'),
      authorize: rateLimit(120, '1m', 'Authorization requests'),
    })
    .prefault({})
    .meta({ description: 'Rate limits, per client address and window.' }),
  metrics: z
    .strictObject({
      token: optionalSecret().meta({
        description: 'The bearer token /metrics requires; unset or empty leaves /metrics open.',
      }),
    })
    .prefault({})
    .meta({ description: 'The Prometheus endpoint /metrics.' }),
  log: z
    .strictObject({
      level: z
        .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
        .default('info')
        .meta({ description: 'The lowest level logged.' }),
    })
    .prefault({})
    .meta({ description: 'Logging (JSON lines).' }),
  demo: z
    .strictObject({
      enabled: boolean()
        .prefault(false)
        .meta({ description: 'Serve the demo blog at /demo (the shipped config/default.yaml turns it on).' }),
    })
    .prefault({})
    .meta({ description: 'The demo blog.' }),
  sites: sitesSchema,
  providers: providersSchema,
});

type ProviderOutput<S extends z.ZodType> = Omit<z.output<S>, 'enabled'> & { id: string };
export type OidcProviderConfig = ProviderOutput<typeof oidcProvider>;
export type WordPressProviderConfig = ProviderOutput<typeof wordpressProvider>;
export type FacebookProviderConfig = ProviderOutput<typeof facebookProvider>;
export type DevProviderConfig = ProviderOutput<typeof devProvider>;
export type ProviderConfig =
  | OidcProviderConfig
  | WordPressProviderConfig
  | FacebookProviderConfig
  | DevProviderConfig;

/** The whole configuration; `configSchema.parse` output, as `parseConfig` and `loadConfig` return it. */
export const configSchema = baseSchema.transform(
  ({ publicUrl, providers: declared, sites, ...rest }, ctx) => {
    const providers: Record<string, ProviderConfig> = {};
    for (const [id, { enabled, ...provider }] of Object.entries(declared)) {
      if (enabled) providers[id] = { id, ...provider };
    }
    for (const site of Object.values(sites)) {
      site.providers?.forEach((id, index) => {
        if (providers[id]) return;
        const message = declared[id] ? `provider "${id}" is disabled` : `unknown provider "${id}"`;
        ctx.issues.push({ code: 'custom', message, path: ['sites', site.id, 'providers', index], input: id });
      });
    }
    const { host, port } = rest.listen;
    if (publicUrl === undefined && port === 0) {
      ctx.issues.push({
        code: 'custom',
        message: 'is required when listen.port is 0 (the port is only known after listening)',
        path: ['publicUrl'],
        input: publicUrl,
      });
    }
    return {
      publicUrl: publicUrl ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
      ...rest,
      sites,
      providers,
    };
  },
);

export type Config = z.output<typeof configSchema>;
export type SiteConfig = Config['sites'][string];
export type StoreConfig = Config['store'];
export type TokenConfig = Config['tokens'];

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * The JSON Schema of config files (what editors validate against). zod's own rendering, with two
 * corrections: `type` is optional for built-in provider types because the id can imply it (so the
 * discriminated union becomes anyOf), and zod's safe-integer bounds, which say nothing to an admin,
 * are dropped.
 */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(configSchema, {
    io: 'input',
    override: ({ zodSchema, jsonSchema }) => {
      if (zodSchema === providerSchema && jsonSchema.oneOf) {
        jsonSchema.anyOf = jsonSchema.oneOf;
        delete jsonSchema.oneOf;
        for (const variant of jsonSchema.anyOf) {
          const type = typeof variant === 'object' ? variant.properties?.type : undefined;
          if (
            typeof variant !== 'object' ||
            typeof type !== 'object' ||
            !BUILTIN_PROVIDER_TYPES.includes(String(type.const))
          ) {
            continue;
          }
          const required = variant.required?.filter((key) => key !== 'type');
          if (required?.length) variant.required = required;
          else delete variant.required;
        }
      }
      if (jsonSchema.maximum === MAX_SAFE) delete jsonSchema.maximum;
      if (jsonSchema.minimum === -MAX_SAFE) delete jsonSchema.minimum;
    },
  });
}
