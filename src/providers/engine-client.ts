import * as client from 'openid-client';
import { isLoopbackUrl } from '../loopback.js';
import type { ClientAuthentication, Endpoints, ProviderDescription } from './description.js';
import { UpstreamUnavailableError } from './provider.js';
import { type ProviderContext, upstreamEndpoint, upstreamUrl } from './provider-context.js';

/** Client metadata every configuration gets: ID tokens' exp/nbf tolerate `tokens.clockSkew`. */
export function clientMetadata(ctx: ProviderContext): Partial<client.ClientMetadata> {
  return { [client.clockTolerance]: Math.floor((ctx.clockSkew ?? 60_000) / 1000) };
}

/** openid-client's client authentication for a description's; a computed secret is asked for each time. */
export function clientAuthentication(auth: ClientAuthentication): client.ClientAuth {
  if (auth.method === 'none') return client.None();
  const method = auth.method === 'client_secret_basic' ? client.ClientSecretBasic : client.ClientSecretPost;
  const { secret } = auth;
  if (typeof secret === 'string') return method(secret);
  // oauth4webapi awaits a client authentication (its ClientAuth may return a promise).
  return async (as, c, body, headers) => method(await secret())(as, c, body, headers);
}

/**
 * True when some URL is plain http and every plain http one is on loopback (the dev IdP, test doubles, a
 * local proxy): only then may openid-client use http at all. A real provider must use https throughout.
 */
export function plainHttpOnLoopbackOnly(urls: (string | undefined)[]): boolean {
  const plain = urls.flatMap((url) => (url && new URL(url).protocol === 'http:' ? [new URL(url)] : []));
  return plain.length > 0 && plain.every((url) => isLoopbackUrl(url));
}

/** The admin's endpoint overrides, checked (https, or http on loopback) when the provider is built. */
function checkedOverrides(description: ProviderDescription): Partial<Endpoints> {
  const checked: Partial<Endpoints> = {};
  for (const key of ['authorization', 'token', 'userinfo'] as const) {
    const value = description.endpoints?.[key];
    if (value !== undefined) checked[key] = upstreamEndpoint(description.id, key, value).href;
  }
  return checked;
}

function withOverrides<T extends object>(server: T, overrides: Partial<Endpoints>): T {
  return {
    ...server,
    ...(overrides.authorization ? { authorization_endpoint: overrides.authorization } : {}),
    ...(overrides.token ? { token_endpoint: overrides.token } : {}),
    ...(overrides.userinfo ? { userinfo_endpoint: overrides.userinfo } : {}),
  };
}

/**
 * `fetch` for discovery that writes the admin's overrides into the discovery document itself, so the
 * Configuration stays the one openid-client's discovery() makes: for Microsoft Entra ID's multi-tenant
 * issuer (`{tenantid}`) it checks each ID token's `iss` against its `tid`, which a Configuration rebuilt
 * from serverMetadata() would lose. Anything but a JSON answer is passed on for openid-client to refuse.
 */
function overridingDiscovery(fetch: client.CustomFetch, overrides: Partial<Endpoints>): client.CustomFetch {
  return async (url, options) => {
    const response = await fetch(url, options);
    if (!response.ok || !/^application\/json\s*(;|$)/i.test(response.headers.get('content-type') ?? ''))
      return response;
    const document = (await response.json()) as Record<string, unknown>;
    return Response.json(withOverrides(document, overrides), { status: response.status });
  };
}

/**
 * The openid-client configuration of a description, built on first use: discovery happens on the first
 * login, not at start-up, and a failed one is retried by the next login (`temporarily_unavailable` in
 * between). Byline's outbound policy is applied here: `ctx.fetch` (timed, size-capped), the upstream
 * timeout, the clock tolerance, and plain http only on loopback. Bad overrides and a plain-http issuer off
 * loopback throw at once.
 */
export function lazyConfiguration(
  description: ProviderDescription,
  ctx: ProviderContext,
): () => Promise<client.Configuration> {
  const { server, clientId } = description;
  const overrides = checkedOverrides(description);
  const auth = clientAuthentication(description.clientAuth);

  async function discover(issuer: URL): Promise<client.Configuration> {
    const overriding = Object.keys(overrides).length > 0;
    try {
      return await client.discovery(issuer, clientId, clientMetadata(ctx), auth, {
        [client.customFetch]: overriding
          ? overridingDiscovery(ctx.fetch as client.CustomFetch, overrides)
          : (ctx.fetch as client.CustomFetch),
        timeout: ctx.upstreamTimeout / 1000,
        ...(isLoopbackUrl(issuer) ? { execute: [client.allowInsecureRequests] } : {}),
      });
    } catch (error) {
      throw new UpstreamUnavailableError(`${description.name} could not be reached`, { cause: error });
    }
  }

  let configure: () => Promise<client.Configuration>;
  if (server.discover === true) {
    // Checked now, so that a plain-http issuer off loopback stops start-up instead of every login.
    const issuer = upstreamUrl(`providers.${description.id}.issuer`, server.issuer);
    configure = () => discover(issuer);
  } else {
    const { endpoints } = server;
    const metadata = withOverrides(
      {
        ...server.metadata,
        // Without an issuer the server is named by its authorization endpoint; its `iss` is ignored.
        issuer: server.issuer ?? new URL(endpoints.authorization).origin,
        authorization_endpoint: endpoints.authorization,
        token_endpoint: endpoints.token,
        ...(endpoints.userinfo ? { userinfo_endpoint: endpoints.userinfo } : {}),
      },
      overrides,
    );
    configure = async () => new client.Configuration(metadata, clientId, clientMetadata(ctx), auth);
  }

  async function build(): Promise<client.Configuration> {
    const configuration = await configure();
    configuration[client.customFetch] = ctx.fetch as client.CustomFetch;
    configuration.timeout = ctx.upstreamTimeout / 1000;
    const metadata = configuration.serverMetadata();
    const urls = [
      metadata.authorization_endpoint,
      metadata.token_endpoint,
      metadata.userinfo_endpoint,
      metadata.jwks_uri,
    ];
    if (plainHttpOnLoopbackOnly(urls)) client.allowInsecureRequests(configuration);
    // openid-client skips the ID token's signature when it comes straight from the token endpoint (OIDC
    // Core §3.1.3.7 lets TLS stand in for it). Byline checks it anyway against the provider's JWKS: an
    // `endpoints.token` override may point at a proxy or a plain-http loopback double, and a token
    // whose signature does not verify is not the provider's word.
    if (description.oidc) client.enableNonRepudiationChecks(configuration);
    return configuration;
  }

  let pending: Promise<client.Configuration> | undefined;
  return () => {
    pending ??= build().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}
