// The `sites` block of the config: the blogs that use Byline, each with its guests block.
import { z } from 'zod';
import { isLoopbackUrl } from '../loopback.js';
import { bareOrigin, boolean, httpUrl, idKey, nonEmpty, optionalSecret } from './fields.js';

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

export const sitesSchema = z
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
