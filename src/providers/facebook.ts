import type { IncomingMessage, RequestOptions } from 'node:http';
import type { Strategy } from 'passport';
import { Strategy as FacebookStrategy, type StrategyOptions, type VerifyFunction } from 'passport-facebook';
import type { FacebookProviderConfig } from '../config/schema.js';
import type { Identity } from '../identity.js';
import { cleanEmail, cleanText, safeUrl } from './profile.js';
import { type UpstreamProvider, UpstreamUnavailableError } from './provider.js';
import { type ProviderContext, upstreamEndpoint } from './provider-context.js';

/** Facebook's default hosts; the Graph API version goes between host and path. */
function facebookDefaults(version: string) {
  return {
    authorization: `https://www.facebook.com/${version}/dialog/oauth`,
    token: `https://graph.facebook.com/${version}/oauth/access_token`,
    userinfo: `https://graph.facebook.com/${version}/me`,
  };
}

/** The fields of `GET /me?fields=id,name,email,picture` that Byline reads. */
interface FacebookMe {
  id?: unknown;
  name?: unknown;
  email?: unknown;
  picture?: { data?: { url?: unknown } };
}

export function identityFromGraph(provider: string, me: FacebookMe): Identity {
  const id = cleanText(me.id, 64);
  if (!id) throw new Error('Facebook returned no user id');
  const email = cleanEmail(me.email);
  const picture = safeUrl(me.picture?.data?.url);
  return {
    provider,
    id,
    name: cleanText(me.name) ?? 'Anonymous',
    // Facebook never says whether the address was verified, so Byline never claims it was.
    emailVerified: false,
    ...(email ? { email } : {}),
    ...(picture ? { picture } : {}),
  };
}

type TransportCallback = (error: unknown, body?: string, response?: IncomingMessage) => void;

/** node-oauth's one function that opens an HTTP request (protected in its typings). */
interface NodeOAuthTransport {
  _executeRequest(
    library: unknown,
    options: RequestOptions,
    body: unknown,
    callback: TransportCallback,
  ): void;
}

/**
 * node-oauth uses Node's http(s) with no timeout at all, so every request it makes gets a deadline: the
 * login fails with UpstreamUnavailableError (the site hears `temporarily_unavailable`) and the request
 * is aborted. Only the first outcome is passed on, so node-oauth's own error after the abort is dropped.
 */
function withDeadline(
  transport: NodeOAuthTransport,
  timeoutMs: number,
  time: (path: string) => () => void,
): void {
  const execute = transport._executeRequest.bind(transport);
  transport._executeRequest = (library, options, body, callback) => {
    const end = time(String(options.path ?? ''));
    const controller = new AbortController();
    let settled = false;
    const timer = setTimeout(() => {
      settle(new UpstreamUnavailableError(`Facebook did not answer within ${timeoutMs} ms`));
      controller.abort();
    }, timeoutMs);
    const settle: TransportCallback = (...args) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      end();
      callback(...args);
    };
    execute(library, { ...options, signal: controller.signal }, body, settle);
  };
}

type OAuthErrorFactory = (this: unknown, message: string, err: unknown) => Error;

/**
 * passport-oauth2 wraps transport failures in InternalOAuthError, keeping the original in `oauthError`
 * rather than `cause`; Byline tells "unreachable" from "refused" by walking `cause`, so it is restored.
 */
function withTransportCause(error: unknown): unknown {
  if (error instanceof Error && 'oauthError' in error && error.oauthError instanceof Error)
    return new Error(error.message, { cause: error.oauthError });
  return error;
}

class BylineFacebookStrategy extends FacebookStrategy {
  constructor(
    options: StrategyOptions,
    verify: VerifyFunction,
    timeoutMs: number,
    time: (path: string) => () => void,
  ) {
    super(options, verify);
    withDeadline(this._oauth2 as unknown as NodeOAuthTransport, timeoutMs, time);
  }

  override userProfile(accessToken: string, done: (err?: unknown, profile?: unknown) => void): void {
    super.userProfile(accessToken, (err, profile) => done(err ? withTransportCause(err) : err, profile));
  }

  /** The token exchange's errors pass through here (a passport-oauth2 method its typings do not show). */
  _createOAuthError(message: string, err: unknown): Error {
    if (err instanceof Error) return new Error(message, { cause: err });
    const parent = Reflect.get(FacebookStrategy.prototype, '_createOAuthError') as OAuthErrorFactory;
    return parent.call(this, message, err);
  }
}

/**
 * `type: facebook`: Facebook Login through passport-facebook, pinned to the configured Graph API version
 * (the library's default is long retired), with `appsecret_proof` on every Graph call because production
 * apps turn on "Require App Secret". passport-oauth2 keeps its state in `req.session[sessionKey]`, which
 * Byline backs with the login transaction.
 */
export function facebookProvider(config: FacebookProviderConfig, ctx: ProviderContext): UpstreamProvider {
  const { id } = config;
  const sessionKey = `facebook:${id}`;
  const defaults = facebookDefaults(config.graphApiVersion);
  const endpoint = (key: keyof typeof defaults) =>
    upstreamEndpoint(id, key, config.endpoints?.[key] ?? defaults[key]).href;

  const strategy = new BylineFacebookStrategy(
    {
      clientID: config.clientId,
      clientSecret: config.clientSecret,
      callbackURL: ctx.callbackUrl(id),
      graphAPIVersion: config.graphApiVersion,
      authorizationURL: endpoint('authorization'),
      tokenURL: endpoint('token'),
      profileURL: endpoint('userinfo'),
      enableProof: true,
      // passport-facebook maps these Portable Contacts names to Graph fields: `fields=id,name,email,picture`.
      profileFields: ['id', 'displayName', 'email', 'picture'],
      scope: ['email', 'public_profile'],
      state: true,
      sessionKey,
    },
    (_accessToken, _refreshToken, profile, done) => {
      try {
        done(null, identityFromGraph(id, (profile._json ?? {}) as FacebookMe));
      } catch (error) {
        done(error);
      }
    },
    ctx.upstreamTimeout,
    (path) => ctx.timeUpstream(id, path),
  );

  return {
    id,
    type: 'facebook',
    name: config.name,
    icon: ctx.iconUrl(config.icon, '/static/icons/facebook.svg'),
    sessionKey,
    strategy: async () => strategy as unknown as Strategy,
    authorizeOptions: (_req, { forceLogin }) => (forceLogin ? { authType: 'reauthenticate' } : {}),
  };
}
