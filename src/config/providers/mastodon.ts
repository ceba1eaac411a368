import { z } from 'zod';
import { hostPattern } from '../../domain-name.js';
import { nonEmpty } from '../fields.js';
import { presetFields } from '../provider-fields.js';

/** A host name as `allowedInstances` and `blockedInstances` take it: `example.social`, or `*.example.social`. */
const instancePattern = z
  .string()
  .max(253)
  .regex(hostPattern, 'must be a host name such as example.social, or *.example.social for its subdomains')
  .transform((pattern) => pattern.toLowerCase());

export const mastodonSchema = z.strictObject({
  ...presetFields('mastodon', 'Mastodon'),
  allowedInstances: z.array(instancePattern).optional().meta({
    description:
      'Only accounts on these instances may log in: host names (example.social) or *.example.social for every subdomain (not the domain itself); unset, every instance. Byline contacts no other instance.',
  }),
  blockedInstances: z.array(instancePattern).default([]).meta({
    description:
      'Accounts on these instances may not log in, even when allowedInstances names them: host names or *.example.social patterns, as allowedInstances takes them.',
  }),
  clientName: nonEmpty.max(100).optional().meta({
    description:
      "The app name Byline registers at each instance, which readers see when they authorize it (default: publicUrl's host name).",
  }),
});
