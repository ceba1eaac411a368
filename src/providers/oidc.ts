import type { Request } from 'express';
import * as client from 'openid-client';
import { type AuthenticateOptions, Strategy as PassportOidcStrategy } from 'openid-client/passport';
import type { Strategy } from 'passport';
import type { OidcProviderConfig } from '../config/schema.js';
import type { Identity } from '../identity.js';
import { isLoopbackUrl } from '../loopback.js';
import { cleanEmail, cleanText, exactId, safeUrl } from './profile.js';
import { type UpstreamProvider, UpstreamUnavailableError } from './provider.js';
import { type ProviderContext, upstreamEndpoint } from './provider-context.js';

/**
 * openid-client's strategy sends `state` only when the server lacks PKCE. Byline keys its login
 * transactions by the upstream state and always wants a nonce for ID tokens, so both are always sent.
 */
class BylineOidcStrategy extends PassportOidcStrategy {
  override authorizationRequestParams(req: Request, options: AuthenticateOptions): URLSearchParams {
    const params = new URLSearchParams(super.authorizationRequestParams(req, options) ?? undefined);
    params.set('state', client.randomState());
    params.set('nonce', client.randomNonce());
    return params;
  }
}

/** Applies Byline's outbound policy to an openid-client configuration. */
export function configureClient(
  configuration: client.Configuration,
  ctx: ProviderContext,
): client.Configuration {
  configuration[client.customFetch] = ctx.fetch as client.CustomFetch;
  configuration.timeout = ctx.upstreamTimeout / 1000;
  // Plain http only on loopback (the dev IdP, test doubles); a real provider must use https.
  if (isLoopbackUrl(new URL(configuration.serverMetadata().issuer)))
    client.allowInsecureRequests(configuration);
  return configuration;
}

/** Client metadata every OIDC configuration gets: ID tokens' exp/nbf tolerate `tokens.clockSkew`. */
export function clientMetadata(ctx: ProviderContext): Partial<client.ClientMetadata> {
  return { [client.clockTolerance]: Math.floor((ctx.clockSkew ?? 60_000) / 1000) };
}

function identityFromClaims(provider: string, claims: Record<string, unknown>): Identity {
  // A subject that would have to be changed to fit is refused: the login fails with server_error.
  const id = exactId(claims.sub);
  if (!id) throw new Error('the provider returned no usable subject');
  const given = [claims.given_name, claims.family_name].map((part) => cleanText(part)).filter(Boolean);
  const email = cleanEmail(claims.email);
  const picture = safeUrl(claims.picture);
  const website = safeUrl(claims.website) ?? safeUrl(claims.profile);
  return {
    provider,
    id,
    name:
      cleanText(claims.name) ??
      (given.length ? given.join(' ') : undefined) ??
      cleanText(claims.preferred_username) ??
      cleanText(claims.nickname) ??
      'Anonymous',
    emailVerified: email !== undefined && claims.email_verified === true,
    ...(email ? { email } : {}),
    ...(picture ? { picture } : {}),
    ...(website ? { website } : {}),
  };
}

export interface OidcStrategyOptions {
  id: string;
  type: string;
  name: string;
  icon: string;
  scopes: string[];
  /** Builds the client configuration (discovery or manual metadata); retried after a failure. */
  configure(): Promise<client.Configuration>;
  ctx: ProviderContext;
}

/**
 * A provider speaking OpenID Connect through openid-client's Passport strategy: PKCE, state, nonce and
 * ID token validation are openid-client's; the claims come from the ID token, completed by UserInfo
 * (whose `sub` must match the ID token's).
 */
export function oidcStrategyProvider(options: OidcStrategyOptions): UpstreamProvider {
  const { id, ctx } = options;
  const sessionKey = `oidc:${id}`;
  let pending: Promise<Strategy> | undefined;

  async function build(): Promise<Strategy> {
    let configuration: client.Configuration;
    try {
      configuration = configureClient(await options.configure(), ctx);
    } catch (error) {
      throw new UpstreamUnavailableError(`${options.name} could not be reached`, { cause: error });
    }
    // openid-client skips the ID token's signature when it comes straight from the token endpoint (OIDC
    // Core §3.1.3.7 lets TLS stand in for it). Byline checks it anyway against the provider's JWKS: an
    // `endpoints.token` override may point at a proxy or a plain-http loopback double, and a token
    // whose signature does not verify is not the provider's word.
    client.enableNonRepudiationChecks(configuration);
    const hasUserInfo = Boolean(configuration.serverMetadata().userinfo_endpoint);
    // openid-client's Strategy satisfies Passport's interface at run time; its typings differ in `this`.
    return new BylineOidcStrategy(
      {
        config: configuration,
        name: id,
        sessionKey,
        scope: options.scopes.join(' '),
        callbackURL: ctx.callbackUrl(id),
      },
      (tokens, verified) => {
        const claims = tokens.claims();
        if (!claims) return verified(new Error('the provider returned no ID token'));
        const fromIdToken = claims as unknown as Record<string, unknown>;
        const userinfo = hasUserInfo
          ? client.fetchUserInfo(configuration, tokens.access_token, claims.sub)
          : Promise.resolve({});
        // A profile identityFromClaims refuses (an unusable sub) fails the login like a failed fetch.
        userinfo
          .then((info) => identityFromClaims(id, { ...info, ...fromIdToken }))
          .then(
            (identity) => verified(null, identity),
            (error: unknown) => verified(error as Error),
          );
      },
    ) as unknown as Strategy;
  }

  return {
    id,
    type: options.type,
    name: options.name,
    icon: options.icon,
    sessionKey,
    strategy() {
      pending ??= build().catch((error: unknown) => {
        pending = undefined;
        throw error;
      });
      return pending;
    },
    authorizeOptions: (_req, { forceLogin }) => (forceLogin ? { prompt: 'login' } : {}),
  };
}

/** `type: oidc`: any OpenID provider, found by discovery on first use. */
export function oidcProvider(config: OidcProviderConfig, ctx: ProviderContext): UpstreamProvider {
  // Overrides are checked when the provider is built, as every provider's are: https, or plain http on
  // loopback only. URLs that discovery returns go over plain http only when the issuer is on loopback.
  const override = (key: 'authorization' | 'token' | 'userinfo') => {
    const value = config.endpoints?.[key];
    return value === undefined ? undefined : upstreamEndpoint(config.id, key, value).href;
  };
  const endpoints = {
    authorization: override('authorization'),
    token: override('token'),
    userinfo: override('userinfo'),
  };
  return oidcStrategyProvider({
    id: config.id,
    type: 'oidc',
    name: config.name,
    icon: ctx.iconUrl(config.icon, '/static/icons/openid.svg'),
    scopes: config.scopes,
    ctx,
    async configure() {
      const issuer = new URL(config.issuer);
      const auth = config.clientSecret ? client.ClientSecretPost(config.clientSecret) : client.None();
      const configuration = await client.discovery(issuer, config.clientId, clientMetadata(ctx), auth, {
        [client.customFetch]: ctx.fetch as client.CustomFetch,
        timeout: ctx.upstreamTimeout / 1000,
        ...(isLoopbackUrl(issuer) ? { execute: [client.allowInsecureRequests] } : {}),
      });
      if (!config.endpoints) return configuration;
      // Admin-supplied endpoint overrides (a proxy or a staging host) win over discovery.
      const { supportsPKCE: _, ...discovered } = configuration.serverMetadata();
      const metadata: client.ServerMetadata = {
        ...discovered,
        ...(endpoints.authorization ? { authorization_endpoint: endpoints.authorization } : {}),
        ...(endpoints.token ? { token_endpoint: endpoints.token } : {}),
        ...(endpoints.userinfo ? { userinfo_endpoint: endpoints.userinfo } : {}),
      };
      return new client.Configuration(metadata, config.clientId, clientMetadata(ctx), auth);
    },
  });
}
