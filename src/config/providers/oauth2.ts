import { z } from 'zod';
import { boolean, httpUrl, nonEmpty, optionalSecret } from '../fields.js';
import { clientId, genericFields } from '../provider-fields.js';

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

/** `type: oauth2`: a plain OAuth 2.0 provider, described by its endpoints and where its profile JSON has each field. */
export const oauth2Schema = z
  .strictObject({
    ...genericFields('oauth2', 'Forgejo'),
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
