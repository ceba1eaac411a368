import { z } from 'zod';
import { nonEmpty } from '../fields.js';
import { endpoints, presetFields } from '../provider-fields.js';

/** Microsoft's sign-in audiences, or one tenant by its id (a GUID) or one of its domain names. */
const MICROSOFT_TENANT =
  /^(common|organizations|consumers|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9-]+(\.[a-z0-9-]+)+)$/i;

export const microsoftSchema = z.strictObject({
  ...presetFields('microsoft', 'Microsoft'),
  clientId: nonEmpty.meta({
    description: "The app registration's Application (client) ID (Microsoft Entra admin center).",
  }),
  clientSecret: nonEmpty.meta({ description: "A client secret's Value from the app registration." }),
  tenant: z
    .string()
    .regex(MICROSOFT_TENANT, 'must be common, organizations, consumers, a tenant ID or a tenant domain name')
    .default('common')
    .meta({
      description:
        'Who may log in: common (work, school and personal accounts), organizations (work and school), consumers (personal), or one tenant by its ID or domain name. It must allow what the app registration allows.',
    }),
  endpoints,
});
