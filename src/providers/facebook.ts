import { subscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import type { Strategy } from 'passport';
import { Strategy as FacebookStrategy } from 'passport-facebook';
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

/** What a provider's requests are held to: the per-request deadline and the upstream timer. */
interface Deadline {
  timeoutMs: number;
  time: (path: string) => () => void;
}

/** The Facebook endpoints node-oauth calls, as `protocol//host/path`, and what each request is held to. */
const watched = new Map<string, Deadline>();

/**
 * node-oauth (under passport-oauth2) uses Node's http(s) with no timeout at all. Node's public
 * `http.client.request.start` channel shows every request it makes: one to a watched endpoint gets a
 * deadline (destroyed with UpstreamUnavailableError, which node-oauth hands back as the request's one
 * error, so the site hears `temporarily_unavailable`) and is timed for the upstream duration histogram.
 * Two Facebook apps on the same endpoints share one entry (the same deadline; the timer of the last).
 */
function watchEndpoints(urls: string[], deadline: Deadline): void {
  if (watched.size === 0)
    subscribe('http.client.request.start', (message) => {
      const { request } = message as { request: ClientRequest };
      const path = request.path.split('?')[0] ?? '';
      const held = watched.get(`${request.protocol}//${String(request.getHeader('host'))}${path}`);
      if (!held) return;
      const end = held.time(request.path);
      const timer = setTimeout(
        () =>
          request.destroy(
            new UpstreamUnavailableError(`Facebook did not answer within ${held.timeoutMs} ms`),
          ),
        held.timeoutMs,
      );
      request.once('close', () => {
        clearTimeout(timer);
        end();
      });
    });
  for (const url of urls) {
    const { protocol, host, pathname } = new URL(url);
    watched.set(`${protocol}//${host}${pathname}`, deadline);
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

  const strategy = new FacebookStrategy(
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
  );
  watchEndpoints([endpoint('token'), endpoint('userinfo')], {
    timeoutMs: ctx.upstreamTimeout,
    time: (path) => ctx.timeUpstream(id, path),
  });
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
