import { z } from 'zod';
import { httpUrl, nonEmpty, optionalSecret } from '../fields.js';
import { es256PrivateKey, privateKeyPem } from '../private-key.js';
import { presetFields } from '../provider-fields.js';

const appleId = (what: string) =>
  z.string().regex(/^[A-Z0-9]{10}$/, `must be the 10-character ${what} (capital letters and digits)`);

export const appleSchema = z
  .strictObject({
    ...presetFields('apple', 'Apple'),
    clientId: nonEmpty.meta({
      description:
        'The Services ID with Sign in with Apple enabled (an identifier such as com.example.blog.login): the client_id.',
    }),
    teamId: appleId('Team ID').meta({
      description: 'The Apple Developer Team ID: the client secret’s issuer.',
    }),
    keyId: appleId('Key ID').meta({
      description: 'The Key ID of the Sign in with Apple private key (its .p8 file is AuthKey_<keyId>.p8).',
    }),
    privateKey: optionalSecret().meta({
      description:
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a config placeholder, shown to admins
        'The Sign in with Apple private key: the .p8 file’s PEM text, best from the environment (${APPLE_PRIVATE_KEY}); a literal \\n stands for a line break. Set this or privateKeyFile.',
    }),
    privateKeyFile: nonEmpty.optional().meta({
      description:
        'The path of the .p8 key file (absolute, or relative to the working directory), read at start-up. Set this or privateKey.',
    }),
    endpoints: z
      .strictObject({
        authorization: httpUrl().optional().meta({
          description: 'The authorization endpoint (default https://appleid.apple.com/auth/authorize).',
        }),
        token: httpUrl()
          .optional()
          .meta({ description: 'The token endpoint (default https://appleid.apple.com/auth/token).' }),
        jwks: httpUrl()
          .optional()
          .meta({ description: 'The ID tokens’ key set (default https://appleid.apple.com/auth/keys).' }),
      })
      .optional()
      .meta({
        description:
          'Overrides of Apple’s URLs, to reach a proxy or a test double: https, or plain http on loopback only.',
      }),
  })
  .superRefine((provider, ctx) => {
    const given = [provider.privateKey, provider.privateKeyFile].filter((value) => value !== undefined);
    const path = [provider.privateKeyFile === undefined ? 'privateKey' : 'privateKeyFile'];
    if (given.length !== 1) {
      ctx.addIssue({ code: 'custom', message: 'set exactly one of privateKey and privateKeyFile', path });
      return;
    }
    try {
      es256PrivateKey(privateKeyPem(provider));
    } catch (error) {
      // The message names what is wrong, never the key.
      ctx.addIssue({ code: 'custom', message: (error as Error).message, path });
    }
  });
