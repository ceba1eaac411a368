import { type OidcDouble, startOidcDouble } from './oidc-double.js';

/**
 * A GitLab instance's OpenID provider on loopback (gitlab.com, or a self-managed one at its own URL), as
 * GitLab's OpenID Connect documentation describes it: discovery at its root, endpoints under /oauth,
 * RS256 ID tokens whose `sub` is the numeric user id as a string, with `nickname` and
 * `preferred_username` (the username), `email_verified`, `profile`, `picture` and `groups_direct`;
 * Doorkeeper's error answers.
 */
export async function startGitLabDouble(): Promise<OidcDouble> {
  let url = '';
  /** The claims the ID token and UserInfo both carry (UserInfo names the groups `groups`). */
  const profile = () => ({
    name: 'Ada Lovelace',
    nickname: 'ada',
    preferred_username: 'ada',
    email: 'ada@example.com',
    email_verified: true,
    website: 'https://ada.example',
    profile: `${url}/ada`,
    picture: 'https://secure.gravatar.com/avatar/5f1c2b?s=80&d=identicon',
  });
  const double = await startOidcDouble({
    clientId: '2b1a7f8c0d1e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f90',
    sub: '1234567',
    alg: 'RS256',
    paths: {
      authorize: '/oauth/authorize',
      token: '/oauth/token',
      userinfo: '/oauth/userinfo',
      jwks: '/oauth/discovery/keys',
    },
    metadata: {
      scopes_supported: ['api', 'read_user', 'openid', 'profile', 'email'],
      response_modes_supported: ['query', 'fragment', 'form_post'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      id_token_signing_alg_values_supported: ['RS256'],
      code_challenge_methods_supported: ['plain', 'S256'],
    },
    claims: () => ({
      sub_legacy: '2435223452345245234524524524524524524524524524524524524524524524',
      auth_time: Math.floor(Date.now() / 1000) - 60,
      ...profile(),
      groups_direct: ['analytical-engines'],
    }),
    userinfo: () => ({ ...profile(), groups: ['analytical-engines'] }),
    denial: {
      error: 'access_denied',
      error_description: 'The resource owner or authorization server denied the request.',
    },
  });
  url = double.url;
  return double;
}
