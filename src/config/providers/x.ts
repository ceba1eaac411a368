import { z } from 'zod';
import { boolean, nonEmpty } from '../fields.js';
import { endpoints, presetFields } from '../provider-fields.js';

export const xSchema = z.strictObject({
  ...presetFields('x', 'X'),
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
