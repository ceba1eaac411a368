import { type OidcDouble, startOidcDouble } from './oidc-double.js';

export interface LinkedInDouble extends OidcDouble {
  /** LinkedIn's hosts, to be sent to the double (routedFetch). */
  routes: Record<string, string>;
}

/**
 * Sign In with LinkedIn using OpenID Connect on loopback, as its discovery document and documentation
 * describe it, quirks included: discovery under www.linkedin.com/oauth; the client secret in the POST body
 * only; a token request with a `code_verifier` refused as 401 invalid_client (PKCE is for native apps
 * LinkedIn enables, not web apps); RS256 ID tokens that never carry the nonce sent; a token response whose
 * `scope` is comma-separated; UserInfo on api.linkedin.com; a refusal as user_cancelled_login.
 */
export async function startLinkedInDouble(): Promise<LinkedInDouble> {
  const picture = 'https://media.licdn.com/dms/image/D4E03AQ/profile-displayphoto-shrink_100_100/0/1';
  const double = await startOidcDouble({
    issuer: 'https://www.linkedin.com/oauth',
    clientId: '86b1x7dzzzl0ue',
    sub: '782bbtaQ',
    alg: 'RS256',
    paths: {
      authorize: '/oauth/v2/authorization',
      token: '/oauth/v2/accessToken',
      userinfo: '/v2/userinfo',
      jwks: '/oauth/openid/jwks',
    },
    metadata: {
      authorization_endpoint: 'https://www.linkedin.com/oauth/v2/authorization',
      token_endpoint: 'https://www.linkedin.com/oauth/v2/accessToken',
      userinfo_endpoint: 'https://api.linkedin.com/v2/userinfo',
      jwks_uri: 'https://www.linkedin.com/oauth/openid/jwks',
      response_types_supported: ['code'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'profile', 'email'],
      claims_supported: [
        'iss',
        'aud',
        'iat',
        'exp',
        'sub',
        'name',
        'given_name',
        'family_name',
        'picture',
        'email',
        'email_verified',
        'locale',
      ],
      token_endpoint_auth_methods_supported: ['client_secret_post'],
      code_challenge_methods_supported: undefined,
    },
    nonce: false,
    refuseCodeVerifier: true,
    tokenResponse: { scope: 'email,openid,profile', expires_in: 5183999 },
    claims: () => ({
      name: 'Ada Lovelace',
      given_name: 'Ada',
      family_name: 'Lovelace',
      picture,
      email: 'ada@example.com',
      email_verified: true,
      locale: 'en_US',
    }),
    userinfo: () => ({
      name: 'Ada Lovelace',
      given_name: 'Ada',
      family_name: 'Lovelace',
      picture,
      locale: { country: 'US', language: 'en' },
      email: 'ada@example.com',
      email_verified: true,
    }),
    denial: { error: 'user_cancelled_login', error_description: 'The user cancelled LinkedIn login' },
  });
  const hosts = ['https://www.linkedin.com', 'https://api.linkedin.com'];
  return Object.assign(double, { routes: Object.fromEntries(hosts.map((origin) => [origin, double.url])) });
}
