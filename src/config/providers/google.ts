import { z } from 'zod';
import { nonEmpty } from '../fields.js';
import { endpoints, presetFields } from '../provider-fields.js';

export const googleSchema = z.strictObject({
  ...presetFields('google', 'Google'),
  clientId: nonEmpty.meta({
    description: "The OAuth client's Client ID (Google Cloud Console, a client of type Web application).",
  }),
  clientSecret: nonEmpty.meta({ description: "The OAuth client's Client secret." }),
  endpoints,
});
