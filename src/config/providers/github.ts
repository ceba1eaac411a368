import { z } from 'zod';
import { httpUrl, nonEmpty } from '../fields.js';
import { endpoints, presetFields } from '../provider-fields.js';

export const githubSchema = z.strictObject({
  ...presetFields('github', 'GitHub'),
  clientId: nonEmpty.meta({ description: "The GitHub OAuth app's Client ID." }),
  clientSecret: nonEmpty.meta({ description: 'A client secret of the GitHub OAuth app.' }),
  endpoints: endpoints
    .unwrap()
    .extend({
      emails: httpUrl().optional().meta({
        description:
          "The list of the reader's email addresses (GitHub's GET /user/emails); by default beside an overridden userinfo ending in /user, else api.github.com's.",
      }),
    })
    .optional()
    .meta({
      description:
        'Overrides of the upstream URLs (a proxy, a test double); unset ones keep github.com and api.github.com.',
    }),
});
