import { z } from 'zod';
import { httpUrl, nonEmpty, optionalSecret } from '../fields.js';
import { clientId, endpoints, genericFields } from '../provider-fields.js';

/** `type: oidc`: any OpenID Connect provider, found by discovery at its issuer. */
export const oidcSchema = z.strictObject({
  ...genericFields('oidc', 'Google'),
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
