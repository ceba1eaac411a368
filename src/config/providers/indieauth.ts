import { z } from 'zod';
import { boolean } from '../fields.js';
import { presetFields } from '../provider-fields.js';

export const indieauthSchema = z.strictObject({
  ...presetFields('indieauth', 'your website'),
  email: boolean().prefault(false).meta({
    description:
      "Also ask the reader's IndieAuth server for their email address (scope email); it is never verified, since any server can answer any address.",
  }),
});
