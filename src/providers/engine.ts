import * as client from 'openid-client';
import { isJsonType } from '../http/json-type.js';
import type { Identity } from '../identity.js';
import { isLoopbackUrl } from '../loopback.js';
import type { ProfileInput, ProviderDescription } from './description.js';
import { lazyConfiguration } from './engine-client.js';
import { aliasedExchange } from './issuer-aliases.js';
import { cleanText } from './profile.js';
import {
  UpstreamDeniedError,
  type UpstreamProvider,
  type UpstreamStart,
  type UpstreamTransaction,
} from './provider.js';
import type { ProviderContext } from './provider-context.js';

/** Parameters the engine sets itself; a description's extras never replace them. */
const reserved = new Set([
  'client_id',
  'redirect_uri',
  'response_type',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
]);

function extras(params: Record<string, string> | undefined): [string, string][] {
  return Object.entries(params ?? {}).filter(([name]) => !reserved.has(name));
}

/**
 * The `error` code of a token endpoint that refused the code: RFC 6749 §5.2's error answer, or a 200 OK
 * whose JSON has `error` and no token (GitHub answers its errors that way; openid-client reports it as an
 * invalid response, the body in its cause). Undefined for any other failure.
 */
function tokenErrorCode(error: unknown): string | undefined {
  if (error instanceof client.ResponseBodyError) return error.error;
  if (!(error instanceof client.ClientError) || error.code !== 'OAUTH_INVALID_RESPONSE') return undefined;
  const body = (error.cause as { cause?: { body?: { error?: unknown } } } | undefined)?.cause?.body;
  return typeof body?.error === 'string' ? body.error : undefined;
}

/** The JSON body of a profile response, or an error saying what was wrong (never the body itself). */
async function jsonBody(response: Response, what: string): Promise<unknown> {
  if (!response.ok) throw new Error(`${what} answered ${response.status}`);
  if (!isJsonType(response.headers.get('content-type'))) throw new Error(`${what} is not JSON`);
  return response.json();
}

/**
 * Runs a provider description with openid-client's functional API: the authorization URL with state
 * (always: Byline keys its transactions by it), PKCE S256 and, for OpenID providers, a nonce; then the
 * code exchange, which checks state, PKCE and the ID token, and the description's profile step.
 */
export function describedProvider(description: ProviderDescription, ctx: ProviderContext): UpstreamProvider {
  const { id } = description;
  const configuration = lazyConfiguration(description, ctx);
  const callbackUrl = ctx.callbackUrl(id);
  const pkce = description.pkce ?? true;
  const oidc = description.oidc ?? false;
  const nonce = oidc && (description.nonce ?? true);
  const aliases = description.idTokenIssuerAliases ?? [];
  const exchangeAliased = aliases.length > 0 ? aliasedExchange(description, ctx, aliases) : undefined;
  const responseMode = description.responseMode ?? 'query';
  // A written-out server without an issuer cannot have its `iss` checked (see ServerDescription).
  const ignoreIss = description.server.discover !== true && description.server.issuer === undefined;

  async function start({ forceLogin }: { forceLogin: boolean }): Promise<UpstreamStart> {
    const config = await configuration();
    const upstream: UpstreamTransaction = { state: client.randomState() };
    const params = new URLSearchParams([
      ...extras(description.authorizationParams),
      ...(forceLogin ? extras(description.forceLoginParams) : []),
    ]);
    params.set('redirect_uri', callbackUrl);
    if (description.scopes.length > 0) params.set('scope', description.scopes.join(' '));
    if (responseMode === 'form_post') params.set('response_mode', 'form_post');
    params.set('state', upstream.state);
    if (pkce) {
      upstream.codeVerifier = client.randomPKCECodeVerifier();
      params.set('code_challenge', await client.calculatePKCECodeChallenge(upstream.codeVerifier));
      params.set('code_challenge_method', 'S256');
    }
    if (nonce) {
      upstream.nonce = client.randomNonce();
      params.set('nonce', upstream.nonce);
    }
    return { upstream, url: client.buildAuthorizationUrl(config, params).href };
  }

  async function finish(params: URLSearchParams, upstream: UpstreamTransaction): Promise<Identity> {
    const config = await configuration();
    const current = new URL(callbackUrl);
    for (const [name, value] of params)
      if (!(ignoreIss && name === 'iss')) current.searchParams.append(name, value);
    // A nonce sent must come back: a transaction without one (it cannot be) expects one nobody has.
    const expectedNonce = nonce ? (upstream.nonce ?? '') : undefined;
    const exchanged = exchangeAliased
      ? exchangeAliased(config, current, callbackUrl, upstream, expectedNonce)
      : client.authorizationCodeGrant(config, current, {
          expectedState: upstream.state,
          ...(upstream.codeVerifier ? { pkceCodeVerifier: upstream.codeVerifier } : {}),
          ...(oidc ? { expectedNonce, idTokenExpected: true } : {}),
        });
    const tokens = await exchanged.catch((error: unknown) => {
      const code = tokenErrorCode(error);
      if (code === undefined) throw error;
      const message = `${description.name}'s token endpoint answered ${cleanText(code, 64) ?? 'an error'}`;
      throw description.deniedTokenErrors?.includes(code)
        ? new UpstreamDeniedError(message, { cause: error })
        : new Error(message, { cause: error });
    });
    const claims = oidc ? tokens.claims() : undefined;
    if (oidc && !claims) throw new Error(`${description.name} returned no ID token`);
    const userinfoUrl = config.serverMetadata().userinfo_endpoint;

    /** GETs `url` (default: the userinfo endpoint) with the access token, https or loopback http only. */
    async function fetchBody(
      url: string | URL | undefined = userinfoUrl,
      headers: Record<string, string> = {},
    ) {
      if (url === undefined) throw new Error(`${description.name} has no profile endpoint`);
      const target = new URL(url);
      if (target.protocol !== 'https:' && !(target.protocol === 'http:' && isLoopbackUrl(target)))
        throw new Error(`${description.name}: a profile URL must be https (plain http only on loopback)`);
      const sent = new Headers({ accept: 'application/json' });
      for (const [name, value] of Object.entries(headers)) sent.set(name, value);
      const response = await client.fetchProtectedResource(
        config,
        tokens.access_token,
        target,
        'GET',
        undefined,
        sent,
      );
      const what = `${description.name}'s ${target.pathname}`;
      return { body: await jsonBody(response, what), what };
    }

    const input: ProfileInput = {
      provider: id,
      tokens,
      ...(claims ? { claims } : {}),
      params,
      async fetchJson(url, headers) {
        const { body, what } = await fetchBody(url, headers);
        if (body === null || typeof body !== 'object' || Array.isArray(body))
          throw new Error(`${what} is not a JSON object`);
        return body as Record<string, unknown>;
      },
      async fetchJsonArray(url, headers) {
        const { body, what } = await fetchBody(url, headers);
        if (!Array.isArray(body)) throw new Error(`${what} is not a JSON array`);
        return body as unknown[];
      },
      async userinfo() {
        if (!claims) throw new Error('userinfo() is for OpenID providers');
        if (!userinfoUrl) return {};
        return { ...(await client.fetchUserInfo(config, tokens.access_token, claims.sub)) };
      },
    };
    return description.profile(input);
  }

  return {
    id,
    type: description.type,
    name: description.name,
    icon: description.icon,
    responseMode,
    start,
    finish,
  };
}
