import { type OidcDouble, startOidcDouble } from './oidc-double.js';

export interface GoogleDouble extends OidcDouble {
  /** Google's hosts, to be sent to the double (routedFetch). */
  routes: Record<string, string>;
}

/**
 * Google's OpenID provider on loopback, as its discovery document and OpenID Connect reference describe
 * it: RS256 ID tokens whose `iss` is the legacy bare `accounts.google.com` (tests set the modern
 * `https://accounts.google.com` through `idToken.claims`), `azp`, `email_verified` and `hd`; the
 * authorization response's `iss` (RFC 9207, authorization_response_iss_parameter_supported); UserInfo on
 * openidconnect.googleapis.com and keys on www.googleapis.com.
 */
export async function startGoogleDouble(): Promise<GoogleDouble> {
  const clientId = '123456789012-d0ub1e.apps.googleusercontent.com';
  const double = await startOidcDouble({
    issuer: 'https://accounts.google.com',
    clientId,
    sub: '110169484474386276334',
    alg: 'RS256',
    paths: {
      authorize: '/o/oauth2/v2/auth',
      token: '/token',
      userinfo: '/v1/userinfo',
      jwks: '/oauth2/v3/certs',
    },
    metadata: {
      authorization_endpoint: 'https://accounts.google.com/o/oauth2/v2/auth',
      device_authorization_endpoint: 'https://oauth2.googleapis.com/device/code',
      token_endpoint: 'https://oauth2.googleapis.com/token',
      userinfo_endpoint: 'https://openidconnect.googleapis.com/v1/userinfo',
      revocation_endpoint: 'https://oauth2.googleapis.com/revoke',
      jwks_uri: 'https://www.googleapis.com/oauth2/v3/certs',
      response_types_supported: ['code', 'token', 'id_token', 'code token', 'code id_token', 'none'],
      response_modes_supported: ['query', 'fragment', 'form_post'],
      authorization_response_iss_parameter_supported: true,
      scopes_supported: ['openid', 'email', 'profile'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      code_challenge_methods_supported: ['plain', 'S256'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
    },
    authorizationResponseIss: true,
    claims: () => ({
      iss: 'accounts.google.com',
      azp: clientId,
      email: 'ada@gmail.com',
      email_verified: true,
      name: 'Ada Lovelace',
      given_name: 'Ada',
      family_name: 'Lovelace',
      picture: 'https://lh3.googleusercontent.com/a/ACg8ocAda=s96-c',
    }),
    userinfo: () => ({
      name: 'Ada Lovelace',
      picture: 'https://lh3.googleusercontent.com/a/ACg8ocAda=s96-c',
      email: 'ada@gmail.com',
      email_verified: true,
    }),
    denial: { error: 'access_denied' },
  });
  const hosts = [
    'accounts.google.com',
    'oauth2.googleapis.com',
    'openidconnect.googleapis.com',
    'www.googleapis.com',
  ];
  return Object.assign(double, {
    routes: Object.fromEntries(hosts.map((host) => [`https://${host}`, double.url])),
  });
}
