import { z } from 'zod';
import { nonEmpty } from '../fields.js';
import { endpoints, presetFields } from '../provider-fields.js';

export const linkedinSchema = z.strictObject({
  ...presetFields('linkedin', 'LinkedIn'),
  clientId: nonEmpty.meta({
    description:
      "The LinkedIn app's Client ID (with the product Sign In with LinkedIn using OpenID Connect).",
  }),
  clientSecret: nonEmpty.meta({ description: "The LinkedIn app's Primary Client Secret." }),
  endpoints,
});
