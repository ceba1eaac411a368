import { z } from 'zod';
import { isLoopbackUrl } from '../loopback.js';
import {
  bareOrigin,
  boolean,
  discriminatorError,
  duration,
  httpUrl,
  idKey,
  integer,
  nonEmpty,
  optionalSecret,
  positiveDuration,
  redisUrl,
} from './fields.js';
import {
  BUILTIN_PROVIDER_TYPES,
  type ProviderConfig,
  providerSchema,
  providersSchema,
} from './providers-schema.js';

export type { ProviderConfig, ProviderConfigOf } from './providers-schema.js';

// ---------------------------------------------------------------------------------------------
// Sites

const siteSchema = z.strictObject({
  name: nonEmpty.optional().meta({ description: 'The site name shown to readers (default: the site id).' }),
  origins: z.array(bareOrigin('must be a bare origin like https://blog.example')).meta({
    description:
      'The origins (scheme://host[:port]) of the pages that embed the widget: postMessage targets and CORS origins.',
  }),
  redirectUris: z
    .array(httpUrl())
    .min(1, 'must list at least one redirect URI')
    .meta({ description: 'The redirect URIs accepted from this site, compared as exact strings.' }),
  secret: optionalSecret(16).meta({
    description:
      'The client secret (at least 16 characters) that makes the site a confidential client; unset or empty for none.',
  }),
  postLogoutRedirectUris: z
    .array(httpUrl())
    .prefault([])
    .meta({ description: 'Where readers may be sent back after logging out.' }),
  idTokenAlgorithm: z.enum(['ES256', 'EdDSA', 'RS256']).optional().meta({
    description: "The signing algorithm of this site's ID tokens (default: tokens.idTokenAlgorithm).",
  }),
  backchannelLogoutUri: httpUrl()
    .refine(
      // An unparsable value already has httpUrl's message.
      (value) => !URL.canParse(value) || new URL(value).protocol === 'https:' || isLoopbackUrl(value),
      'must be an https:// URL (http:// only on a loopback host)',
    )
    .optional()
    .meta({
      description:
        "OpenID Back-Channel Logout: where Byline POSTs a signed logout_token (signed like the site's ID tokens) when one of this site's sessions ends (the reader logs out of Byline, a token is revoked, a refresh token is reused, a data deletion). https, or http on a loopback host.",
    }),
  guests: z
    .strictObject({
      enabled: boolean().prefault(true).meta({ description: 'Offer the guest form (name, email, website).' }),
      requireEmail: boolean().prefault(true).meta({
        description: 'Guests must give an email address (always so with verifyEmail: required).',
      }),
      requireName: boolean().prefault(true).meta({ description: 'Guests must give a name.' }),
      verifyEmail: z.enum(['off', 'optional', 'required']).prefault('off').meta({
        description:
          'Whether guests prove their email address with a six-digit code Byline mails them (needs smtp). off: no code; email_verified is false. optional: a guest may ask for a code, and a verified one gets email_verified true and a subject of their own; others comment as before. required: no guest token without a verified address.',
      }),
      rememberVerified: boolean().prefault(false).meta({
        description:
          "A guest who verified their address in the chooser (Byline's own page, which can set Byline's cookie) also gets a Byline browser session, which this site's next login through Byline reuses without a code. The widget's in-page form cannot set that cookie: there the login lasts for the browser tab (its refresh token).",
      }),
    })
    // A required code needs an address to mail it to, whatever requireEmail says.
    .transform((guests) => (guests.verifyEmail === 'required' ? { ...guests, requireEmail: true } : guests))
    .prefault({})
    .meta({ description: 'Commenting as a guest, without a provider.' }),
  providers: z.array(nonEmpty).optional().meta({
    description: 'The ids of the providers this site offers, in order (default: every enabled provider).',
  }),
  pkce: z.enum(['required', 'optional']).prefault('required').meta({
    description:
      'required: every authorization request carries a PKCE S256 challenge (OAuth 2.1). optional: a site with a secret may log in without one (for relying parties that cannot send PKCE); a code issued without a challenge is then redeemed only with the secret.',
  }),
  trusted: boolean().prefault(false).meta({
    description:
      "false: a site learns who a reader is only after the reader chose it on a Byline page that names it (the chooser, or a one-click question asked once per reader and site, remembered for a year); prompt=none for a site not chosen yet answers consent_required. true: the admin's own site, which readers are never asked about (prompt=consent still asks).",
  }),
  claims: z
    .array(z.enum(['email']))
    .prefault([])
    .meta({
      description:
        'Optional claims the tokens of requests without a scope carry (such requests get sub, name, picture, website, idp and email_verified). [email] adds the email address; a request with scopes asks for it with the email scope instead.',
    }),
});

const sitesSchema = z
  .record(idKey('site'), siteSchema)
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

const rateLimit = (points: number, window: string, what: string, per = 'client address') =>
  z
    .strictObject({
      points: integer(1).prefault(points).meta({ description: 'How many are allowed per window.' }),
      window: positiveDuration.prefault(window).meta({ description: 'The length of the window.' }),
    })
    .prefault({})
    .meta({ description: `${what}, per ${per}.` });

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
        url: redisUrl()
          .default('redis://127.0.0.1:6379/0')
          .meta({ description: 'The Redis URL; rediss:// for TLS.' }),
        prefix: z.string().default('byline:').meta({ description: 'The prefix of every key.' }),
        sentinels: z
          .array(
            z.strictObject({
              host: z.string().min(1).meta({ description: 'A Sentinel host.' }),
              port: z.coerce
                .number()
                .int()
                .min(1)
                .max(65535)
                .default(26379)
                .meta({ description: 'Its port.' }),
            }),
          )
          .min(1)
          .optional()
          .meta({
            description:
              'Redis Sentinel: the sentinels to ask for the master named by sentinelName; the url then gives only the password, db and TLS.',
          }),
        sentinelName: z.string().min(1).optional().meta({
          description: 'The master group name the sentinels monitor (with sentinels; default mymaster).',
        }),
        timeout: positiveDuration.prefault('2s').meta({
          description:
            'The deadline of every Redis call (waiting for a connection included): past it the request answers 503 with Retry-After.',
        }),
        waitForReplicas: z
          .union([z.literal('auto'), integer(0, 16)])
          .prefault('auto')
          .meta({
            description:
              'How many replicas must confirm a write (WAIT, within half the timeout) before it counts, so that a failover cannot undo a spent code or a rotated refresh token; unconfirmed writes answer 503. auto: 1 once the master has been seen with a replica, else 0.',
          }),
      }),
    ],
    {
      error: discriminatorError('kind', ['memory', 'redis'], 'is required: memory or redis'),
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
      allowPrivateUpstreams: boolean().prefault(false).meta({
        description:
          'Let hosts that readers name (a fediverse instance, a Bluesky handle, a website for IndieAuth) be loopback, private or link-local addresses, over plain http too. Only for development and tests: otherwise Byline refuses them after DNS and on every redirect, so a reader cannot make it fetch from inside your network, and reaches public hosts over https only.',
      }),
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
      guestCodes: rateLimit(
        10,
        '10m',
        'Email verification codes mailed to guests (POST /guest/code and the chooser)',
        'client address (an IPv6 address counts by its /64)',
      ),
      handleLookups: rateLimit(
        30,
        '10m',
        'Logins started with a handle (each one looks up the server the reader named: a fediverse instance, a Bluesky handle, a website)',
        'client address (an IPv6 address counts by its /64)',
      ),
      guestCodesPerEmail: rateLimit(
        5,
        '1h',
        'Email verification codes mailed to one address, from any client and site (ada+1@… and ada+2@… are one address, as are the dotted spellings of a Gmail address)',
        'email address',
      ),
      guestWrongCodes: rateLimit(
        20,
        '1d',
        'Wrong codes typed for one address, whichever code and site they were for (once over the limit, no code for that address is mailed or checked until the window ends)',
        'email address',
      ),
      guestMailsPerSite: rateLimit(
        200,
        '1h',
        'Email verification codes mailed for one site, to anyone',
        'site',
      ),
    })
    .prefault({})
    .meta({ description: 'Rate limits, per client address (or email address, or site) and window.' }),
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
  smtp: z
    .strictObject({
      url: z
        .string()
        .refine(
          (value) => URL.canParse(value) && ['smtp:', 'smtps:'].includes(new URL(value).protocol),
          'must be an smtp:// or smtps:// URL',
        )
        .meta({
          description:
            // biome-ignore lint/suspicious/noTemplateCurlyInString: a config placeholder, shown to admins
            'The mail server, for nodemailer: smtps://user:password@host:465 (TLS from the start) or smtp://user:password@host:587 (STARTTLS, required: see requireTls). Put the password in the environment: smtps://byline:${SMTP_PASSWORD}@mail.example.',
        }),
      requireTls: boolean().optional().meta({
        description:
          'For an smtp:// url: send nothing unless the server upgrades the connection with STARTTLS (else anyone on the path could strip the STARTTLS offer and read the codes). Default true, except for a loopback host (localhost, 127.0.0.0/8, ::1: a local relay). Set false only for a server that cannot do TLS on a network you trust.',
      }),
      from: z
        .string()
        .regex(/^[^\r\n]*<?[^\s@<>]+@[^\s@<>]+>?$/, 'must be an address like Byline <byline@example.com>')
        .meta({ description: 'The sender of the mails, like "Example Blog <no-reply@blog.example>".' }),
      timeout: positiveDuration.prefault('10s').meta({
        description:
          'The time limit of each step of talking to the mail server (connecting, greeting, sending).',
      }),
    })
    .optional()
    .meta({
      description:
        'Outgoing mail, for the codes guests prove their email address with (sites.*.guests.verifyEmail). Required when a site verifies guests.',
    }),
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
