import { z } from 'zod';
import { nonEmpty } from '../fields.js';
import { endpoints, presetFields } from '../provider-fields.js';

export const discordSchema = z.strictObject({
  ...presetFields('discord', 'Discord'),
  clientId: nonEmpty.meta({ description: "The Discord application's OAuth2 Client ID." }),
  clientSecret: nonEmpty.meta({ description: "The Discord application's OAuth2 Client Secret." }),
  endpoints,
});
