import { z } from 'zod';
import { nonEmpty } from '../fields.js';
import { endpoints, presetFields } from '../provider-fields.js';

export const facebookSchema = z.strictObject({
  ...presetFields('facebook', 'Facebook'),
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
