import { z } from 'zod';
import { clientId, clientSecret, endpoints, presetFields } from '../provider-fields.js';

export const wordpressSchema = z.strictObject({
  ...presetFields('wordpress', 'WordPress.com'),
  clientId,
  clientSecret,
  endpoints,
});
