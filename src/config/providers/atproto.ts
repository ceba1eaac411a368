import { z } from 'zod';
import { httpUrl } from '../fields.js';
import { presetFields } from '../provider-fields.js';

export const atprotoSchema = z.strictObject({
  ...presetFields('atproto', 'Bluesky'),
  plcDirectory: httpUrl().default('https://plc.directory').meta({
    description:
      'The did:plc directory that DIDs are resolved with: https, or plain http on loopback (reached like any configured endpoint, not as a host a reader named).',
  }),
  handleResolver: httpUrl().optional().meta({
    description:
      'A service that resolves handles with com.atproto.identity.resolveHandle (a PDS, say): https, or plain http on loopback; unset: DNS TXT records and https://<handle>/.well-known/atproto-did, as the atproto spec describes.',
  }),
});
