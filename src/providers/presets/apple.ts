import { createHash } from 'node:crypto';
import { es256PrivateKey, privateKeyPem } from '../../config/private-key.js';
import type { ProviderConfigOf } from '../../config/providers-schema.js';
import type { Identity } from '../../identity.js';
import type { Store } from '../../store/store.js';
import { appleClientSecret } from '../apple-client-secret.js';
import type { Endpoints, ProfileInput, ProviderDescription } from '../description.js';
import { oidcProfile } from '../oidc-profile.js';
import { cleanEmail, cleanText } from '../profile.js';
import { type ProviderContext, upstreamEndpoint } from '../provider-context.js';
import { presetBase } from './base.js';

const apple = 'https://appleid.apple.com';

/** Apple sends its boolean claims (`email_verified`, `is_private_email`) as `true` or as `"true"`. */
function appleBoolean(value: unknown): boolean {
  return value === true || value === 'true';
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The reader's name from the `user` field Apple posts with the first authorization only (JSON
 * `{ name: { firstName, lastName }, email }`). The field is not signed and travels through the browser,
 * and Apple's ID token says nothing of a first authorization, so it is taken only as a display name and
 * only when its email is the signed ID token's: a field posted after the first login, or forged, that
 * names another address is ignored.
 */
export function postedName(user: string | null, tokenEmail: unknown): string | undefined {
  if (user === null || user.length > 2048) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(user);
  } catch {
    return undefined;
  }
  if (!isObject(parsed) || !isObject(parsed.name)) return undefined;
  const email = cleanEmail(parsed.email);
  if (email === undefined || email !== cleanEmail(tokenEmail)) return undefined;
  const parts = [parsed.name.firstName, parsed.name.lastName].map((part) => cleanText(part, 100));
  const name = parts.filter((part) => part !== undefined).join(' ');
  return name || undefined;
}

/**
 * How long Byline remembers the name Apple posted once: Apple never sends it again, so without this every
 * later login would be "Anonymous". Each login that finds it keeps it for this long again.
 */
const nameTtlMs = 400 * 24 * 3600_000;

/** The Store key of the name remembered for an Apple subject (hashed: the key names nobody). */
export function appleNameKey(provider: string, sub: string): string {
  return `apple:${provider}:name:${createHash('sha256').update(sub).digest('base64url')}`;
}

/**
 * The identity from Apple's ID token: `sub` is the subject, `email` (the reader's own address or a
 * private relay one, `…@privaterelay.appleid.com`, an email all the same) verified as Apple says, and
 * the name from the first login's `user` field (see postedName), remembered in the Store for the logins
 * after it.
 */
async function appleProfile(input: ProfileInput, store: Store | undefined): Promise<Identity> {
  const claims = input.claims;
  if (!claims) throw new Error('Apple returned no ID token');
  const key = appleNameKey(input.provider, claims.sub);
  const posted = postedName(input.params.get('user'), claims.email);
  const name = posted ?? (await store?.get<string>(key));
  if (name !== undefined) await store?.set(key, name, nameTtlMs);
  return oidcProfile({
    ...input,
    claims: { ...claims, email_verified: appleBoolean(claims.email_verified), ...(name ? { name } : {}) },
  });
}

/**
 * `type: apple`: Sign in with Apple, OpenID Connect with Apple's own ways. Its endpoints are written out
 * (no discovery round trip); the ID tokens are RS256 from `/auth/keys`; the client secret is a JWT Byline
 * signs with the .p8 key and renews (apple-client-secret.ts), sent as a POST parameter, the one method
 * Apple takes. Asking for `name email` makes Apple answer with `response_mode=form_post`: a cross-site
 * POST to the callback, which the callback re-posts from Byline's origin to find its transaction cookie.
 */
export function appleDescription(
  config: ProviderConfigOf<'apple'>,
  ctx: ProviderContext,
): ProviderDescription {
  const { jwks, ...overrides } = config.endpoints ?? {};
  const endpoints: Partial<Endpoints> = overrides;
  return {
    ...presetBase(config, ctx, 'apple'),
    server: {
      issuer: apple,
      endpoints: { authorization: `${apple}/auth/authorize`, token: `${apple}/auth/token` },
      metadata: {
        jwks_uri: jwks === undefined ? `${apple}/auth/keys` : upstreamEndpoint(config.id, 'jwks', jwks).href,
        id_token_signing_alg_values_supported: ['RS256'],
      },
    },
    ...(Object.keys(endpoints).length > 0 ? { endpoints } : {}),
    clientAuth: {
      method: 'client_secret_post',
      secret: appleClientSecret({
        teamId: config.teamId,
        keyId: config.keyId,
        clientId: config.clientId,
        key: es256PrivateKey(privateKeyPem(config)),
        clock: ctx.clock,
      }),
    },
    scopes: ['name', 'email'],
    oidc: true,
    responseMode: 'form_post',
    profile: (input) => appleProfile(input, ctx.store),
  };
}
