// The config blocks of the services around Byline's OAuth work: where state lives (store), how it serves
// and calls over HTTP (http), how many requests it takes (rateLimits) and how it mails (smtp).
import { z } from 'zod';
import { defaultRedisUrl } from '../store/default-url.js';
import { boolean, discriminatorError, duration, integer, positiveDuration, redisUrl } from './fields.js';

export const storeSchema = z
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
        url: redisUrl().default(defaultRedisUrl).meta({ description: 'The Redis URL; rediss:// for TLS.' }),
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

export const httpSchema = z
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
  .meta({ description: 'HTTP behaviour.' });

// Every per-client limit counts an IPv6 client by its /64 (clientNetwork in http/rate-limit.ts).
const rateLimit = (
  points: number,
  window: string,
  what: string,
  per = 'client address (an IPv6 address counts by its /64)',
) =>
  z
    .strictObject({
      points: integer(1).prefault(points).meta({ description: 'How many are allowed per window.' }),
      window: positiveDuration.prefault(window).meta({ description: 'The length of the window.' }),
    })
    .prefault({})
    .meta({ description: `${what}, per ${per}.` });

export const rateLimitsSchema = z
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
    ),
    handleLookups: rateLimit(
      30,
      '10m',
      'Logins started with a handle (each one looks up the server the reader named: a fediverse instance, a Bluesky handle, a website)',
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
  .meta({ description: 'Rate limits, per client address (or email address, or site) and window.' });

export const smtpSchema = z
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
  });
