import { z } from 'zod';
import {
  bareOrigin,
  boolean,
  duration,
  integer,
  nonEmpty,
  optionalSecret,
  positiveDuration,
} from './fields.js';
import {
  BUILTIN_PROVIDER_TYPES,
  type ProviderConfig,
  providerSchema,
  providersSchema,
} from './providers-schema.js';
import { httpSchema, rateLimitsSchema, smtpSchema, storeSchema } from './service-schemas.js';
import { sitesSchema } from './site-schema.js';

export type { ProviderConfig, ProviderConfigOf } from './providers-schema.js';

const publicUrlSchema = bareOrigin(
  'must be an http(s) origin like https://byline.example (no path, query or fragment)',
);

const baseSchema = z.strictObject({
  publicUrl: publicUrlSchema.optional().meta({
    description:
      "Byline's external origin and the tokens' iss; defaults to http:// with listen.host and listen.port, and is required when listen.port is 0.",
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
    description:
      'The directory for signing keys and the root secret (subject.key), relative to the working directory.',
  }),
  tokens: z
    .strictObject({
      algorithm: z
        .enum(['ES256', 'EdDSA', 'RS256'])
        .default('ES256')
        .meta({ description: 'The signing algorithm of access tokens.' }),
      idTokenAlgorithm: z.enum(['ES256', 'EdDSA', 'RS256']).default('RS256').meta({
        description:
          "The signing algorithm of ID tokens: RS256, OpenID Connect's default, is the one every relying party accepts. A site's idTokenAlgorithm overrides it; the key set holds an active key of every algorithm in use.",
      }),
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
  http: httpSchema,
  rateLimits: rateLimitsSchema,
  metrics: z
    .strictObject({
      token: optionalSecret(16).meta({
        description:
          'The bearer token /metrics requires, at least 16 characters (e.g. `openssl rand -base64 32`); unset or empty leaves /metrics open. Wrong tokens count against rateLimits.clientAuthFailures.',
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
  smtp: smtpSchema,
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

/**
 * The whole configuration, after `${VAR}` interpolation. Use `parseConfig` or `loadConfig` rather
 * than parsing with this directly: they also resolve `dataDir` and apply the NODE_ENV checks, which
 * depend on the process rather than on the file.
 */
export const configSchema = baseSchema.transform(
  ({ publicUrl, providers: declared, sites, ...rest }, ctx) => {
    const providers: Record<string, ProviderConfig> = {};
    for (const [id, { enabled, ...provider }] of Object.entries(declared)) {
      if (enabled) providers[id] = { id, ...provider };
    }
    for (const site of Object.values(sites)) {
      if (site.pkce === 'optional' && !site.secret)
        ctx.issues.push({
          code: 'custom',
          message: 'can be optional only for a site with a secret (a public client must use PKCE)',
          path: ['sites', site.id, 'pkce'],
          input: site.pkce,
        });
      if (site.guests.verifyEmail !== 'off' && !rest.smtp)
        ctx.issues.push({
          code: 'custom',
          message: 'needs smtp (url and from) to mail guests their codes',
          path: ['sites', site.id, 'guests', 'verifyEmail'],
          input: site.guests.verifyEmail,
        });
      site.providers?.forEach((id, index) => {
        if (providers[id]) return;
        const message = declared[id] ? `provider "${id}" is disabled` : `unknown provider "${id}"`;
        ctx.issues.push({ code: 'custom', message, path: ['sites', site.id, 'providers', index], input: id });
      });
    }
    if (rest.demo.enabled && !sites.demo) {
      ctx.issues.push({
        code: 'custom',
        message: 'needs a site with the id "demo" (the demo blog logs in through it)',
        path: ['demo', 'enabled'],
        input: true,
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
