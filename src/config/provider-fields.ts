// The fields that provider types share (src/config/providers/<type>.ts), with the messages admins see.
import { z } from 'zod';
import { boolean, httpUrl, isHttpUrl, nonEmpty } from './fields.js';

/** The types no id implies (`type:` is always written), because they are not one provider but any. */
export const GENERIC_PROVIDER_TYPES = ['oidc', 'oauth2'] as const;
type GenericType = (typeof GENERIC_PROVIDER_TYPES)[number];

const icon = z
  .string()
  .refine(
    (value) => value.startsWith('/static/') || isHttpUrl(value),
    'must be an absolute URL or a /static/... path',
  )
  .optional()
  .meta({
    description: "The button icon: an absolute URL or a path under /static/ (default: the type's icon).",
  });

const enabled = boolean().prefault(true).meta({ description: 'Set to false to switch the provider off.' });

/** The fields of a preset: its id may stand for its type, and its button has the brand's name. */
export const presetFields = <T extends string>(type: Exclude<T, GenericType>, brand: string) => ({
  type: z.literal(type).meta({
    description: `The provider type; may be omitted when the provider id is "${type}".`,
  }),
  name: nonEmpty.default(brand).meta({ description: 'The name on the login button.' }),
  icon,
  enabled,
});

/** The fields of a generic type: `type` and the button's name are always written. */
export const genericFields = <T extends GenericType>(type: T, exampleName: string) => ({
  type: z.literal(type).meta({ description: 'The provider type.' }),
  name: nonEmpty.meta({ description: `The name on the login button, such as "${exampleName}".` }),
  icon,
  enabled,
});

export const clientId = nonEmpty.meta({ description: 'The client (app) id registered with the provider.' });
export const clientSecret = nonEmpty.meta({
  description: 'The client (app) secret registered with the provider.',
});

/** Overrides of a preset's upstream URLs; a type with other endpoints extends or replaces it. */
export const endpoints = z
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
