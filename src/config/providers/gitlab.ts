import { z } from 'zod';
import { httpUrl, nonEmpty } from '../fields.js';
import { endpoints, presetFields } from '../provider-fields.js';

export const gitlabSchema = z.strictObject({
  ...presetFields('gitlab', 'GitLab'),
  issuer: httpUrl()
    .default('https://gitlab.com')
    .meta({ description: 'The GitLab instance: https://gitlab.com, or the URL of a self-managed one.' }),
  clientId: nonEmpty.meta({ description: "The GitLab application's Application ID." }),
  clientSecret: nonEmpty.meta({ description: "The GitLab application's Secret." }),
  endpoints,
});
