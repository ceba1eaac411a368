import { consumersTenant } from '../../src/providers/presets/microsoft.js';
import { type OidcDouble, startOidcDouble } from './oidc-double.js';

const login = 'https://login.microsoftonline.com';

export interface MicrosoftDouble extends OidcDouble {
  /** The tenant of the account the next login completes as (`tid`, and the tenant in `iss`). */
  tid: string;
  /** Microsoft's hosts, to be sent to the double (routedFetch). */
  routes: Record<string, string>;
}

/** The issuer Microsoft's discovery names for a tenant path: a template for the multi-tenant ones. */
function discoveredIssuer(tenant: string): string {
  if (tenant === 'common' || tenant === 'organizations') return `${login}/{tenantid}/v2.0`;
  return `${login}/${tenant === 'consumers' ? consumersTenant : tenant}/v2.0`;
}

/**
 * The Microsoft identity platform (v2.0) on loopback, as its discovery documents and ID token reference
 * describe it: discovery at login.microsoftonline.com/<tenant>/v2.0, whose `issuer` for common and
 * organizations is `https://login.microsoftonline.com/{tenantid}/v2.0` and for one tenant that tenant's;
 * RS256 ID tokens (`ver` 2.0) whose `iss` names the account's tenant, also in `tid`; `email` and
 * `preferred_username` as the tenant has them; AADSTS codes in its errors.
 */
export async function startMicrosoftDouble(): Promise<MicrosoftDouble> {
  // Read at each token request: tests change the tenant between logins.
  let self: MicrosoftDouble | undefined;
  const tid = () => self?.tid ?? '';
  const double = await startOidcDouble({
    issuer: `${login}/{tenantid}/v2.0`,
    clientId: '6731de76-14a6-49ae-97bc-6eba6914391e',
    sub: 'AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ',
    alg: 'RS256',
    paths: {
      authorize: '/oauth2/v2.0/authorize',
      token: '/oauth2/v2.0/token',
      userinfo: '/oidc/userinfo',
      jwks: '/discovery/v2.0/keys',
    },
    metadata: (path) => {
      const tenant = /^\/([^/]+)\/v2\.0\//.exec(path)?.[1] ?? 'common';
      return {
        issuer: discoveredIssuer(tenant),
        authorization_endpoint: `${login}/${tenant}/oauth2/v2.0/authorize`,
        token_endpoint: `${login}/${tenant}/oauth2/v2.0/token`,
        jwks_uri: `${login}/${tenant}/discovery/v2.0/keys`,
        userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
        end_session_endpoint: `${login}/${tenant}/oauth2/v2.0/logout`,
        token_endpoint_auth_methods_supported: [
          'client_secret_post',
          'private_key_jwt',
          'client_secret_basic',
        ],
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        request_uri_parameter_supported: false,
        tenant_region_scope: null,
        cloud_instance_name: 'microsoftonline.com',
        // Microsoft's documents list no PKCE methods, though it takes S256.
        code_challenge_methods_supported: undefined,
      };
    },
    claims: () => ({
      iss: `${login}/${tid()}/v2.0`,
      tid: tid(),
      ver: '2.0',
      oid: '00000000-0000-0000-66f3-3332eca7ea81',
      name: 'Megan Bowen',
      preferred_username: 'meganb@contoso.example',
      email: 'meganb@contoso.example',
      aio: 'Df2UVXL1ix!lMCWMSOJBcFatzcGfvFGhjKv8q5g0x732dR5MB5BisvGQO7YWByjd8iQDLq!eGbIDakyp5mnOrcdqHeYSnltepQmRp6AIZ8jY',
    }),
    denial: {
      error: 'access_denied',
      error_subcode: 'cancel',
      error_description: 'AADSTS65004: User declined to consent to access the app.',
    },
  });
  const hosts = [login, 'https://graph.microsoft.com'];
  self = Object.assign(double, {
    tid: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    routes: Object.fromEntries(hosts.map((origin) => [origin, double.url])),
  });
  return self;
}
