import type { Request } from 'express';
import { randomState } from 'openid-client';
import passport from 'passport';
import { Strategy as FacebookStrategy, type StrategyOptions } from 'passport-facebook';
import type { ProviderConfigOf } from '../config/schema.js';
import type { Identity } from '../identity.js';
import { exactId, identityOf } from './profile.js';
import {
  type ReaderExchange,
  UpstreamDeniedError,
  type UpstreamProvider,
  type UpstreamTransaction,
} from './provider.js';
import { type ProviderContext, upstreamEndpoint } from './provider-context.js';
import { watchEndpoints } from './request-deadline.js';

/**
 * The dialog, token and profile URLs: Facebook's hosts at the configured Graph API version (it goes
 * between host and path), or the admin's overrides, checked (https, or plain http on loopback only).
 */
export function facebookEndpoints(config: ProviderConfigOf<'facebook'>) {
  const version = config.graphApiVersion;
  const defaults = {
    authorization: `https://www.facebook.com/${version}/dialog/oauth`,
    token: `https://graph.facebook.com/${version}/oauth/access_token`,
    userinfo: `https://graph.facebook.com/${version}/me`,
  };
  const endpoint = (key: keyof typeof defaults) =>
    upstreamEndpoint(config.id, key, config.endpoints?.[key] ?? defaults[key]).href;
  return {
    authorization: endpoint('authorization'),
    token: endpoint('token'),
    userinfo: endpoint('userinfo'),
  };
}

/** The fields of `GET /me?fields=id,name,email,picture` that Byline reads. */
interface FacebookMe {
  id?: unknown;
  name?: unknown;
  email?: unknown;
  picture?: { data?: { url?: unknown } };
}

/**
 * The Graph profile as Byline's Identity. The subject is the app-scoped `id`, a string of decimal digits:
 * anything else is refused (the login fails with server_error), never trimmed or cut into another id.
 */
export function identityFromGraph(provider: string, me: FacebookMe): Identity {
  const id = exactId(me.id, 64);
  if (!id || !/^\d+$/.test(id)) throw new Error('Facebook returned no user id');
  // Facebook never says whether the address was verified, so Byline never claims it was.
  return identityOf({ provider, id, name: me.name, email: me.email, picture: me.picture?.data?.url });
}

/**
 * passport-oauth2's state store (its README's "state store" interface), backed by Byline's transaction
 * instead of a session: each request in progress has its transaction here while Passport runs. The
 * state goes out as Byline made it, and the callback's must be the one its transaction was sealed with
 * (Byline has checked it already; Passport's check is kept, not bypassed).
 */
type StateStore = NonNullable<StrategyOptions['store']>;
// passport-oauth2's types for the store's arguments, as passport-facebook's typings reach them.
type Metadata = Parameters<StateStore['store']>[1];
type StateStoreStoreCallback = Parameters<StateStore['store']>[2];
type StateStoreVerifyCallback = Parameters<StateStore['verify']>[3];

class TransactionStateStore implements StateStore {
  readonly #transactions = new WeakMap<Request, UpstreamTransaction>();

  async run<T>(req: Request, upstream: UpstreamTransaction, body: () => Promise<T>): Promise<T> {
    this.#transactions.set(req, upstream);
    try {
      return await body();
    } finally {
      this.#transactions.delete(req);
    }
  }

  // passport-oauth2 picks the form to call by the method's length: these take (req, [meta,] callback).
  store(req: Request, callback: StateStoreStoreCallback): void;
  store(req: Request, meta: Metadata, callback: StateStoreStoreCallback): void;
  store(req: Request, ...args: [StateStoreStoreCallback] | [Metadata, StateStoreStoreCallback]): void {
    const callback = args[args.length - 1] as StateStoreStoreCallback;
    const upstream = this.#transactions.get(req);
    if (!upstream) callback(new Error('no login transaction for this request'), undefined);
    else callback(null, upstream.state);
  }

  verify(req: Request, state: string, callback: StateStoreVerifyCallback): void;
  verify(req: Request, state: string, meta: Metadata, callback: StateStoreVerifyCallback): void;
  verify(
    req: Request,
    state: string,
    ...args: [StateStoreVerifyCallback] | [Metadata, StateStoreVerifyCallback]
  ): void {
    const callback = args[args.length - 1] as StateStoreVerifyCallback;
    const upstream = this.#transactions.get(req);
    if (!upstream || state !== upstream.state)
      callback(new Error('the state does not match the login'), false, undefined);
    else callback(null, true, undefined);
  }
}

/**
 * `type: facebook`: Facebook Login through passport-facebook, used through Passport's public API (an
 * Authenticator of its own, `authenticate(name, { session: false }, callback)`). It is pinned to the
 * configured Graph API version (the library's default is long retired), with `appsecret_proof` on every
 * Graph call because production apps turn on "Require App Secret".
 */
export function facebookProvider(
  config: ProviderConfigOf<'facebook'>,
  ctx: ProviderContext,
): UpstreamProvider {
  const { id } = config;
  const endpoints = facebookEndpoints(config);
  const states = new TransactionStateStore();
  const authenticator = new passport.Authenticator();
  authenticator.use(
    id,
    new FacebookStrategy(
      {
        clientID: config.clientId,
        clientSecret: config.clientSecret,
        callbackURL: ctx.callbackUrl(id),
        graphAPIVersion: config.graphApiVersion,
        authorizationURL: endpoints.authorization,
        tokenURL: endpoints.token,
        profileURL: endpoints.userinfo,
        enableProof: true,
        // passport-facebook maps these Portable Contacts names to Graph fields: `fields=id,name,email,picture`.
        profileFields: ['id', 'displayName', 'email', 'picture'],
        scope: ['email', 'public_profile'],
        store: states,
      },
      (_accessToken, _refreshToken, profile, done) => {
        try {
          done(null, identityFromGraph(id, (profile._json ?? {}) as FacebookMe));
        } catch (error) {
          done(error);
        }
      },
    ),
  );
  watchEndpoints([endpoints.token, endpoints.userinfo], {
    provider: 'Facebook',
    timeoutMs: ctx.upstreamTimeout,
    time: (path) => ctx.timeUpstream(id, path),
  });

  /** Passport's middleware for this request, calling back with the identity, a refusal or an error. */
  function middleware(exchange: ReaderExchange, options: Record<string, unknown>): Promise<Identity> {
    return new Promise((resolve, reject) => {
      authenticator.authenticate(
        id,
        { session: false, ...options },
        (error: unknown, user: Identity | false | undefined) => {
          if (error) reject(error);
          else if (!user) reject(new UpstreamDeniedError('Facebook did not accept the login'));
          else resolve(user);
        },
      )(exchange.req, exchange.res, (error?: unknown) =>
        reject(error ?? new Error('Passport passed the request on')),
      );
    });
  }

  /** The way out: Passport writes the redirect to the dialog itself (and calls nothing back then). */
  async function sendToDialog(exchange: ReaderExchange, options: Record<string, unknown>): Promise<void> {
    const sent = new Promise<void>((resolve) => exchange.res.once('close', resolve));
    await Promise.race([sent, middleware(exchange, options)]);
  }

  return {
    id,
    type: 'facebook',
    name: config.name,
    icon: ctx.iconUrl(config.icon, '/static/icons/facebook.svg'),
    responseMode: 'query',
    async start({ forceLogin }) {
      const upstream: UpstreamTransaction = { state: randomState() };
      return {
        upstream,
        send: async (exchange) => {
          const options = forceLogin ? { authType: 'reauthenticate' } : {};
          await states.run(exchange.req, upstream, () => sendToDialog(exchange, options));
        },
      };
    },
    finish: (_params, upstream, exchange) =>
      states.run(exchange.req, upstream, () => middleware(exchange, {})),
  };
}
