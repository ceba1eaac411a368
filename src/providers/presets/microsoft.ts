import type { ProviderConfigOf } from '../../config/providers-schema.js';
import type { Identity } from '../../identity.js';
import type { ProfileInput, ProviderDescription } from '../description.js';
import { exactId, identityOf } from '../profile.js';
import { UpstreamDeniedError } from '../provider.js';
import type { ProviderContext } from '../provider-context.js';
import { presetBase } from './base.js';

/** The tenant of every personal Microsoft account (Microsoft identity platform documentation). */
export const consumersTenant = '9188040d-6c67-4c5b-b112-36a304b66dad';

const tenantId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Refuses an ID token whose tenant (`tid`, already checked against `iss` by openid-client) the configured
 * `tenant` does not admit. A tenant named by domain has a concrete issuer, which openid-client compared.
 */
function checkTenant(tenant: string, tid: unknown): void {
  if (typeof tid !== 'string' || !tenantId.test(tid)) throw new Error('Microsoft returned no tenant id');
  const personal = tid.toLowerCase() === consumersTenant;
  const admitted =
    tenant === 'organizations'
      ? !personal
      : tenant === 'consumers'
        ? personal
        : !tenantId.test(tenant) || tid.toLowerCase() === tenant;
  if (!admitted) throw new UpstreamDeniedError(`a Microsoft account of tenant ${tid} is not admitted here`);
}

/**
 * The ID token's claims as Byline's Identity. The subject is `sub` (stable, per app); no username: its
 * `preferred_username` is a sign-in name, often an email address. The `email` claim is not verified by
 * Microsoft (a tenant's admin, or in many tenants the user, sets it), and no claim says the reader proved
 * the mailbox (the optional `xms_edov` says the tenant owns the domain, not the reader the address), so
 * `emailVerified` is always false.
 */
export function identityFromMicrosoftClaims(provider: string, claims: Record<string, unknown>): Identity {
  const id = exactId(claims.sub);
  if (!id) throw new Error('Microsoft returned no usable subject');
  return identityOf({ provider, id, name: claims.name, email: claims.email, emailVerified: false });
}

/**
 * `type: microsoft`: the Microsoft identity platform (v2.0), personal and work or school accounts, found
 * by discovery at login.microsoftonline.com/<tenant>/v2.0. For common and organizations its issuer is
 * `https://login.microsoftonline.com/{tenantid}/v2.0`: openid-client's discovery() recognises Entra ID
 * and checks each ID token's `iss` against that template filled with the token's `tid` (the engine keeps
 * that Configuration, endpoint overrides included), and the profile step refuses a tenant the config
 * does not admit.
 */
export function microsoftDescription(
  config: ProviderConfigOf<'microsoft'>,
  ctx: ProviderContext,
): ProviderDescription {
  const tenant = config.tenant.toLowerCase();
  return {
    ...presetBase(config, ctx, 'microsoft'),
    server: { discover: true, issuer: `https://login.microsoftonline.com/${tenant}/v2.0` },
    ...(config.endpoints ? { endpoints: config.endpoints } : {}),
    clientAuth: { method: 'client_secret_post', secret: config.clientSecret },
    scopes: ['openid', 'profile', 'email'],
    oidc: true,
    forceLoginParams: { prompt: 'login' },
    async profile({ provider, claims }: ProfileInput) {
      if (!claims) throw new Error('Microsoft returned no ID token');
      checkTenant(tenant, claims.tid);
      return identityFromMicrosoftClaims(provider, claims);
    },
  };
}
