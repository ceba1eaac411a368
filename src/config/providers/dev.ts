import { z } from 'zod';
import { presetFields } from '../provider-fields.js';

/** `type: dev`: the built-in test provider (refused in production by the config loader). */
export const devSchema = z.strictObject(presetFields('dev', 'Dev login'));
