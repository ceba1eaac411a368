import { z } from 'zod';
import {
  boolean,
  discriminatorError,
  httpUrl,
  idKey,
  isHttpUrl,
  nonEmpty,
  optionalSecret,
} from './fields.js';
import { es256PrivateKey, privateKeyPem } from './private-key.js';

/** Ids the gateway uses itself: the `idp` claim of guests and the mount point of the dev identity provider. */
const RESERVED_PROVIDER_IDS: readonly string[] = ['guest', 'dev-idp'];

/** Provider types whose id may stand for the type (`wordpress: { clientId, clientSecret }`). */
export const BUILTIN_PROVIDER_TYPES: readonly string[] = [
  'wordpress',
  'facebook',
  'dev',
  'apple',
  'atproto',
  'indieauth',
  'mastodon',
  'github',
  'x',
  'discord',
  'google',
  'microsoft',
  'gitlab',
  'linkedin',
];

const PROVIDER_TYPES = [
  'oidc',
  'oauth2',
  'wordpress',
  'facebook',
  'dev',
  'apple',
  'atproto',
  'indieauth',
  'mastodon',
  'github',
  'x',
  'discord',
  'google',
  'microsoft',
  'gitlab',
  'linkedin',
];

const endpoints = z
  .strictObject({
    authorization: httpUrl()
      .optional()
      .meta({ description: "The provider's authorization endpoint (where the reader's browser is sent)." }),
    token: httpUrl()
      .optional()
      .meta({ description: "The provider's token endpoint (called by Byline to exchange the code)." }),
    userinfo: httpUrl()
      .optional()
      .meta({ description: "The provider's profile endpoint (called by Byline with the access token)." }),
  })
  .optional()
  .meta({
    description:
      'Overrides of the upstream URLs, to reach a staging host, a proxy or a test double; unset ones keep the provider default.',
  });

const common = <T extends string, N extends z.ZodType<string>>(type: T, name: N) => ({
  type: z.literal(type).meta({
    description: BUILTIN_PROVIDER_TYPES.includes(type)
      ? `The provider type; may be omitted when the provider id is "${type}".`
      : 'The provider type.',
  }),
  name,
  icon: z
    .string()
    .refine(
      (value) => value.startsWith('/static/') || isHttpUrl(value),
      'must be an absolute URL or a /static/... path',
    )
    .optional()
    .meta({
      description: "The button icon: an absolute URL or a path under /static/ (default: the type's icon).",
    }),
  enabled: boolean().prefault(true).meta({ description: 'Set to false to switch the provider off.' }),
});

const buttonName = (fallback: string) =>
  nonEmpty.default(fallback).meta({ description: 'The name on the login button.' });
const clientId = nonEmpty.meta({ description: 'The client (app) id registered with the provider.' });
const clientSecret = nonEmpty.meta({ description: 'The client (app) secret registered with the provider.' });

const oidcProvider = z.strictObject({
  ...common('oidc', nonEmpty.meta({ description: 'The name on the login button, such as "Google".' })),
  issuer: httpUrl().meta({
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
  endpoints,
});

/** Names a dotted path may not use: they would reach an object's prototype, not the provider's JSON. */
const FORBIDDEN_SEGMENTS = ['__proto__', 'prototype', 'constructor'];

const profilePath = (description: string) =>
  z
    .string()
    .max(200)
    .regex(
      /^[^.\s]+(\.[^.\s]+)*$/,
      'must be a dotted path into the profile JSON, like "id" or "data.user.id"',
    )
    .refine(
      (path) => !path.split('.').some((segment) => FORBIDDEN_SEGMENTS.includes(segment)),
      `must not use ${FORBIDDEN_SEGMENTS.join(', ')}`,
    )
    .meta({ description });

const profileMapping = z
  .strictObject({
    id: profilePath(
      'The stable user id (required): a string or a whole number. The subject is "<provider id>:<id>"; never map an email or a changeable login here.',
    ),
    name: profilePath('The display name (falls back to username, then "Anonymous").').optional(),
    username: profilePath("The reader's handle (login) at the provider.").optional(),
    email: profilePath('The email address.').optional(),
    emailVerified: profilePath(
      'A field that is the boolean true only when the provider verified the email address; anything else counts as unverified.',
    ).optional(),
    picture: profilePath('The avatar URL (http or https).').optional(),
    website: profilePath("The reader's web page (http or https).").optional(),
  })
  .meta({
    description:
      'Where each identity field is in the userinfo JSON, as a dotted path (`id`, `data.user.id`, `emails.0.value`): for example { id: id, name: name, username: login, picture: avatar_url, email: email, emailVerified: email_verified, website: html_url }.',
  });

const oauth2Provider = z
  .strictObject({
    ...common('oauth2', nonEmpty.meta({ description: 'The name on the login button, such as "Forgejo".' })),
    clientId,
    clientSecret: optionalSecret().meta({
      description: 'The client secret (required unless clientAuth is none).',
    }),
    endpoints: z
      .strictObject({
        authorization: httpUrl().meta({
          description: "The provider's authorization endpoint (where the reader's browser is sent).",
        }),
        token: httpUrl().meta({
          description: "The provider's token endpoint (where Byline exchanges the code).",
        }),
        userinfo: httpUrl().meta({
          description:
            'The profile endpoint Byline GETs with the access token; it must answer a JSON object.',
        }),
      })
      .meta({ description: "The provider's endpoints: https, or plain http on loopback only." }),
    scopes: z
      .array(nonEmpty)
      .default([])
      .meta({ description: 'The scopes requested, sent space-separated (none: no scope parameter).' }),
    clientAuth: z
      .enum(['client_secret_basic', 'client_secret_post', 'none'])
      .default('client_secret_basic')
      .meta({
        description:
          'How Byline authenticates at the token endpoint: HTTP Basic, the secret in the POST body, or not at all (PKCE only).',
      }),
    pkce: boolean()
      .prefault(true)
      .meta({ description: 'Send a PKCE (S256) challenge (required with clientAuth none).' }),
    profile: profileMapping,
  })
  .superRefine((provider, ctx) => {
    if (provider.clientAuth !== 'none' && !provider.clientSecret)
      ctx.addIssue({
        code: 'custom',
        message: `is required with clientAuth ${provider.clientAuth}`,
        path: ['clientSecret'],
        input: provider.clientSecret,
      });
    // A public client without PKCE has only `state` against a stolen code, which RFC 9700 §2.1.1 forbids.
    if (provider.clientAuth === 'none' && !provider.pkce)
      ctx.addIssue({
        code: 'custom',
        message: 'must be true with clientAuth none: a public client needs PKCE (RFC 9700)',
        path: ['pkce'],
        input: provider.pkce,
      });
  });

const wordpressProvider = z.strictObject({
  ...common('wordpress', buttonName('WordPress.com')),
  clientId,
  clientSecret,
  endpoints,
});

const facebookProvider = z.strictObject({
  ...common('facebook', buttonName('Facebook')),
  clientId: nonEmpty.meta({ description: 'The Facebook app id.' }),
  clientSecret: nonEmpty.meta({
    description: 'The Facebook app secret (also verifies data-deletion requests).',
  }),
  graphApiVersion: z
    .string()
    .regex(/^v\d+\.\d+$/, 'must be a Graph API version like v21.0')
    .default('v21.0')
    .meta({ description: 'The Graph API version used for login and the profile.' }),
  endpoints,
});

const githubProvider = z.strictObject({
  ...common('github', buttonName('GitHub')),
  clientId: nonEmpty.meta({ description: "The GitHub OAuth app's Client ID." }),
  clientSecret: nonEmpty.meta({ description: 'A client secret of the GitHub OAuth app.' }),
  endpoints: endpoints
    .unwrap()
    .extend({
      emails: httpUrl().optional().meta({
        description:
          "The list of the reader's email addresses (GitHub's GET /user/emails); by default beside an overridden userinfo ending in /user, else api.github.com's.",
      }),
    })
    .optional()
    .meta({
      description:
        'Overrides of the upstream URLs (a proxy, a test double); unset ones keep github.com and api.github.com.',
    }),
});

const xProvider = z.strictObject({
  ...common('x', buttonName('X')),
  clientId: nonEmpty.meta({ description: "The X app's OAuth 2.0 Client ID." }),
  clientSecret: nonEmpty.meta({
    description: "The X app's OAuth 2.0 Client Secret (the app's type is Web App: a confidential client).",
  }),
  email: boolean().prefault(false).meta({
    description:
      'Also ask for the reader\'s confirmed email address (scope users.email); X sends it only when the app has "Request email from users" turned on.',
  }),
  endpoints,
});

const discordProvider = z.strictObject({
  ...common('discord', buttonName('Discord')),
  clientId: nonEmpty.meta({ description: "The Discord application's OAuth2 Client ID." }),
  clientSecret: nonEmpty.meta({ description: "The Discord application's OAuth2 Client Secret." }),
  endpoints,
});

const googleProvider = z.strictObject({
  ...common('google', buttonName('Google')),
  clientId: nonEmpty.meta({
    description: "The OAuth client's Client ID (Google Cloud Console, a client of type Web application).",
  }),
  clientSecret: nonEmpty.meta({ description: "The OAuth client's Client secret." }),
  endpoints,
});

/** Microsoft's sign-in audiences, or one tenant by its id (a GUID) or one of its domain names. */
const MICROSOFT_TENANT =
  /^(common|organizations|consumers|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9-]+(\.[a-z0-9-]+)+)$/i;

const microsoftProvider = z.strictObject({
  ...common('microsoft', buttonName('Microsoft')),
  clientId: nonEmpty.meta({
    description: "The app registration's Application (client) ID (Microsoft Entra admin center).",
  }),
  clientSecret: nonEmpty.meta({ description: "A client secret's Value from the app registration." }),
  tenant: z
    .string()
    .regex(MICROSOFT_TENANT, 'must be common, organizations, consumers, a tenant ID or a tenant domain name')
    .default('common')
    .meta({
      description:
        'Who may log in: common (work, school and personal accounts), organizations (work and school), consumers (personal), or one tenant by its ID or domain name. It must allow what the app registration allows.',
    }),
  endpoints,
});

const gitlabProvider = z.strictObject({
  ...common('gitlab', buttonName('GitLab')),
  issuer: httpUrl()
    .default('https://gitlab.com')
    .meta({ description: 'The GitLab instance: https://gitlab.com, or the URL of a self-managed one.' }),
  clientId: nonEmpty.meta({ description: "The GitLab application's Application ID." }),
  clientSecret: nonEmpty.meta({ description: "The GitLab application's Secret." }),
  endpoints,
});

const linkedinProvider = z.strictObject({
  ...common('linkedin', buttonName('LinkedIn')),
  clientId: nonEmpty.meta({
    description:
      "The LinkedIn app's Client ID (with the product Sign In with LinkedIn using OpenID Connect).",
  }),
  clientSecret: nonEmpty.meta({ description: "The LinkedIn app's Primary Client Secret." }),
  endpoints,
});

const appleId = (what: string) =>
  z.string().regex(/^[A-Z0-9]{10}$/, `must be the 10-character ${what} (capital letters and digits)`);

const appleProvider = z
  .strictObject({
    ...common('apple', buttonName('Apple')),
    clientId: nonEmpty.meta({
      description:
        'The Services ID with Sign in with Apple enabled (an identifier such as com.example.blog.login): the client_id.',
    }),
    teamId: appleId('Team ID').meta({
      description: 'The Apple Developer Team ID: the client secret’s issuer.',
    }),
    keyId: appleId('Key ID').meta({
      description: 'The Key ID of the Sign in with Apple private key (its .p8 file is AuthKey_<keyId>.p8).',
    }),
    privateKey: optionalSecret().meta({
      description:
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a config placeholder, shown to admins
        'The Sign in with Apple private key: the .p8 file’s PEM text, best from the environment (${APPLE_PRIVATE_KEY}); a literal \\n stands for a line break. Set this or privateKeyFile.',
    }),
    privateKeyFile: nonEmpty.optional().meta({
      description:
        'The path of the .p8 key file (absolute, or relative to the working directory), read at start-up. Set this or privateKey.',
    }),
    endpoints: z
      .strictObject({
        authorization: httpUrl().optional().meta({
          description: 'The authorization endpoint (default https://appleid.apple.com/auth/authorize).',
        }),
        token: httpUrl()
          .optional()
          .meta({ description: 'The token endpoint (default https://appleid.apple.com/auth/token).' }),
        jwks: httpUrl()
          .optional()
          .meta({ description: 'The ID tokens’ key set (default https://appleid.apple.com/auth/keys).' }),
      })
      .optional()
      .meta({
        description:
          'Overrides of Apple’s URLs, to reach a proxy or a test double: https, or plain http on loopback only.',
      }),
  })
  .superRefine((provider, ctx) => {
    const given = [provider.privateKey, provider.privateKeyFile].filter((value) => value !== undefined);
    const path = [provider.privateKeyFile === undefined ? 'privateKey' : 'privateKeyFile'];
    if (given.length !== 1) {
      ctx.addIssue({ code: 'custom', message: 'set exactly one of privateKey and privateKeyFile', path });
      return;
    }
    try {
      es256PrivateKey(privateKeyPem(provider));
    } catch (error) {
      // The message names what is wrong, never the key.
      ctx.addIssue({ code: 'custom', message: (error as Error).message, path });
    }
  });

const devProvider = z.strictObject(common('dev', buttonName('Dev login')));

const atprotoProvider = z.strictObject({
  ...common('atproto', buttonName('Bluesky')),
  plcDirectory: httpUrl()
    .default('https://plc.directory')
    .meta({ description: 'The did:plc directory that DIDs are resolved with.' }),
  handleResolver: httpUrl().optional().meta({
    description:
      'A service that resolves handles with com.atproto.identity.resolveHandle (a PDS, say); unset: DNS TXT records and https://<handle>/.well-known/atproto-did, as the atproto spec describes.',
  }),
});

const indieauthProvider = z.strictObject({
  ...common('indieauth', buttonName('your website')),
  email: boolean().prefault(false).meta({
    description:
      "Also ask the reader's IndieAuth server for their email address (scope email); it is never verified, since any server can answer any address.",
  }),
});

/** A host name as `allowedInstances` and `blockedInstances` take it: `example.social`, or `*.example.social`. */
const instancePattern = z
  .string()
  .max(253)
  .regex(
    /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i,
    'must be a host name such as example.social, or *.example.social for its subdomains',
  )
  .transform((pattern) => pattern.toLowerCase());

const mastodonProvider = z.strictObject({
  ...common('mastodon', buttonName('Mastodon')),
  allowedInstances: z.array(instancePattern).optional().meta({
    description:
      'Only accounts on these instances may log in: host names (example.social) or *.example.social for every subdomain (not the domain itself); unset, every instance. Byline contacts no other instance.',
  }),
  blockedInstances: z.array(instancePattern).default([]).meta({
    description:
      'Accounts on these instances may not log in, even when allowedInstances names them: host names or *.example.social patterns, as allowedInstances takes them.',
  }),
  clientName: nonEmpty.max(100).optional().meta({
    description:
      "The app name Byline registers at each instance, which readers see when they authorize it (default: publicUrl's host name).",
  }),
});

/** One provider; exported so that the JSON Schema can mark `type` optional for built-in ids. */
export const providerSchema = z.discriminatedUnion(
  'type',
  [
    oidcProvider,
    oauth2Provider,
    wordpressProvider,
    facebookProvider,
    devProvider,
    appleProvider,
    atprotoProvider,
    indieauthProvider,
    mastodonProvider,
    githubProvider,
    xProvider,
    discordProvider,
    googleProvider,
    microsoftProvider,
    gitlabProvider,
    linkedinProvider,
  ],
  {
    error: discriminatorError(
      'type',
      PROVIDER_TYPES,
      `is required unless the provider id is one of ${BUILTIN_PROVIDER_TYPES.join(', ')}`,
    ),
  },
);

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

type ProviderOutput<S extends z.ZodType> = Omit<z.output<S>, 'enabled'> & { id: string };
export type OidcProviderConfig = ProviderOutput<typeof oidcProvider>;
export type OAuth2ProviderConfig = ProviderOutput<typeof oauth2Provider>;
export type WordPressProviderConfig = ProviderOutput<typeof wordpressProvider>;
export type FacebookProviderConfig = ProviderOutput<typeof facebookProvider>;
export type AppleProviderConfig = ProviderOutput<typeof appleProvider>;
export type DevProviderConfig = ProviderOutput<typeof devProvider>;
export type GitHubProviderConfig = ProviderOutput<typeof githubProvider>;
export type XProviderConfig = ProviderOutput<typeof xProvider>;
export type DiscordProviderConfig = ProviderOutput<typeof discordProvider>;
export type GoogleProviderConfig = ProviderOutput<typeof googleProvider>;
export type MicrosoftProviderConfig = ProviderOutput<typeof microsoftProvider>;
export type GitLabProviderConfig = ProviderOutput<typeof gitlabProvider>;
export type LinkedInProviderConfig = ProviderOutput<typeof linkedinProvider>;
export type AtprotoProviderConfig = ProviderOutput<typeof atprotoProvider>;
export type IndieAuthProviderConfig = ProviderOutput<typeof indieauthProvider>;
export type MastodonProviderConfig = ProviderOutput<typeof mastodonProvider>;
export type ProviderConfig =
  | OidcProviderConfig
  | OAuth2ProviderConfig
  | WordPressProviderConfig
  | FacebookProviderConfig
  | AppleProviderConfig
  | DevProviderConfig
  | AtprotoProviderConfig
  | IndieAuthProviderConfig
  | MastodonProviderConfig
  | GitHubProviderConfig
  | XProviderConfig
  | DiscordProviderConfig
  | GoogleProviderConfig
  | MicrosoftProviderConfig
  | GitLabProviderConfig
  | LinkedInProviderConfig;
