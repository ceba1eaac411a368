import type { Request } from 'express';
import * as client from 'openid-client';
import { type AuthenticateOptions, Strategy as PassportOidcStrategy } from 'openid-client/passport';
import type { Strategy } from 'passport';
import type { WordPressProviderConfig } from '../config/schema.js';
import type { Identity } from '../identity.js';
import { configureClient } from './oidc.js';
import { cleanEmail, cleanText, safeUrl } from './profile.js';
import type { UpstreamProvider } from './provider.js';
import { type ProviderContext, upstreamEndpoint } from './provider-context.js';

const issuer = 'https://public-api.wordpress.com';
const wordpressDefaults = {
  authorization: `${issuer}/oauth2/authorize`,
  token: `${issuer}/oauth2/token`,
  userinfo: `${issuer}/rest/v1.1/me`,
};

/**
 * WordPress.com has no ID token (so no nonce), and openid-client's strategy sends `state` only when the
 * server lacks PKCE; Byline keys its login transactions by the upstream state, so it is always sent.
 */
class WordPressStrategy extends PassportOidcStrategy {
  override authorizationRequestParams(req: Request, options: AuthenticateOptions): URLSearchParams {
    const params = new URLSearchParams(super.authorizationRequestParams(req, options) ?? undefined);
    params.set('state', client.randomState());
    return params;
  }
}

/** The fields of `GET /rest/v1.1/me` that Byline reads. */
interface WordPressMe {
  ID?: unknown;
  display_name?: unknown;
  username?: unknown;
  email?: unknown;
  email_verified?: unknown;
  avatar_URL?: unknown;
  profile_URL?: unknown;
}

export function identityFromMe(provider: string, me: WordPressMe): Identity {
  const id =
    typeof me.ID === 'number' && Number.isSafeInteger(me.ID) && me.ID > 0
      ? String(me.ID)
      : typeof me.ID === 'string' && /^\d{1,20}$/.test(me.ID)
        ? me.ID
        : undefined;
  if (!id) throw new Error('WordPress.com returned no user ID');
  const email = cleanEmail(me.email);
  const picture = safeUrl(me.avatar_URL);
  const website = safeUrl(me.profile_URL);
  return {
    provider,
    id,
    name: cleanText(me.display_name) ?? cleanText(me.username) ?? 'Anonymous',
    emailVerified: email !== undefined && me.email_verified === true,
    ...(email ? { email } : {}),
    ...(picture ? { picture } : {}),
    ...(website ? { website } : {}),
  };
}

/**
 * `type: wordpress`: WordPress.com's OAuth 2.0 (not OpenID Connect) through openid-client with manual
 * server metadata. The token endpoint refuses `Authorization: Basic`, so the client authenticates with
 * POST parameters; the profile comes from `/rest/v1.1/me`, read with `fetchProtectedResource` because
 * `fetchUserInfo` insists on a `sub` that `/me` does not have.
 */
export function wordpressProvider(config: WordPressProviderConfig, ctx: ProviderContext): UpstreamProvider {
  const { id } = config;
  const sessionKey = `wordpress:${id}`;
  const endpoint = (key: keyof typeof wordpressDefaults) =>
    upstreamEndpoint(id, key, config.endpoints?.[key] ?? wordpressDefaults[key]);
  const urls = {
    authorization: endpoint('authorization'),
    token: endpoint('token'),
    userinfo: endpoint('userinfo'),
  };

  const configuration = configureClient(
    new client.Configuration(
      { issuer, authorization_endpoint: urls.authorization.href, token_endpoint: urls.token.href },
      config.clientId,
      undefined,
      client.ClientSecretPost(config.clientSecret),
    ),
    ctx,
  );
  // configureClient allows plain http by the issuer, which is always WordPress.com's https one here;
  // upstreamEndpoint has already confined plain http to loopback overrides (test doubles, local proxies).
  if (Object.values(urls).some((url) => url.protocol === 'http:'))
    client.allowInsecureRequests(configuration);

  async function profile(accessToken: string): Promise<Identity> {
    const response = await client.fetchProtectedResource(configuration, accessToken, urls.userinfo, 'GET');
    if (!response.ok) throw new Error(`WordPress.com answered ${response.status} for the profile`);
    return identityFromMe(id, (await response.json()) as WordPressMe);
  }

  // openid-client's Strategy satisfies Passport's interface at run time; its typings differ in `this`.
  const strategy = new WordPressStrategy(
    { config: configuration, name: id, sessionKey, scope: 'auth', callbackURL: ctx.callbackUrl(id) },
    (tokens, verified) => {
      profile(tokens.access_token).then(
        (identity) => verified(null, identity),
        (error: unknown) => verified(error as Error),
      );
    },
  ) as unknown as Strategy;

  return {
    id,
    type: 'wordpress',
    name: config.name,
    icon: ctx.iconUrl(config.icon, '/static/icons/wordpress.svg'),
    sessionKey,
    strategy: async () => strategy,
  };
}
