import { createHash } from 'node:crypto';
import type { ProviderConfigOf } from '../../config/providers-schema.js';
import { randomId } from '../../crypto/random-id.js';
import { isJsonType } from '../../http/json-type.js';
import { msg } from '../../i18n/message.js';
import type { Identity } from '../../identity.js';
import { cameFrom, taggedCallback } from '../callback-tag.js';
import { cleanText } from '../profile.js';
import {
  type StartOptions,
  UpstreamDeniedError,
  type UpstreamProvider,
  UpstreamRestartError,
  type UpstreamStart,
  type UpstreamTransaction,
} from '../provider.js';
import type { ProviderContext } from '../provider-context.js';
import { accountIdentity } from './account.js';
import { checkInstanceAllowed, type Instance, parseInstance } from './instance.js';
import { instanceRegistrations, type Registration } from './registration.js';

async function jsonObject(response: Response, what: string): Promise<Record<string, unknown>> {
  if (!isJsonType(response.headers.get('content-type'))) throw new Error(`${what} is not JSON`);
  const body: unknown = await response.json();
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new Error(`${what} is not a JSON object`);
  return body as Record<string, unknown>;
}

/**
 * `type: mastodon`: readers of any fediverse server that speaks the Mastodon API (Mastodon, GoToSocial,
 * Akkoma/Pleroma) type their address; Byline registers itself once per instance (registration.ts), with a
 * redirect URI of that instance's own (callback-tag.ts: Mastodon's callbacks carry no `iss`, so that is
 * how a mix-up between instances is caught), and logs them in there with the code flow and PKCE S256
 * (always: an instance before Mastodon 4.3 ignores it), reads their account with `verify_credentials` and
 * revokes the token at once: it keeps nothing at the instance but its app. Every call goes through the
 * guarded fetch: the instance is a host the reader named.
 */
export function mastodonProvider(
  config: ProviderConfigOf<'mastodon'>,
  ctx: ProviderContext,
): UpstreamProvider {
  const { store } = ctx;
  if (!store || !ctx.guardedFetch)
    throw new TypeError(`providers.${config.id}: mastodon needs the app's store and guarded fetch`);
  const guardedFetch = ctx.guardedFetch;
  const allowPrivate = ctx.allowPrivateUpstreams === true;
  const callback = ctx.callbackUrl(config.id);
  const registrations = instanceRegistrations({
    store,
    fetch: guardedFetch,
    provider: config.id,
    redirectUri: (instance) => taggedCallback(callback, instance.origin),
    clientName: config.clientName ?? new URL(ctx.publicUrl).host,
    website: ctx.publicUrl,
    upstreamTimeout: ctx.upstreamTimeout,
  });
  const rules = { allowed: config.allowedInstances, blocked: config.blockedInstances };

  /** The instance a reader named, if the admin accepts it (HandleError otherwise). */
  function instanceOf(typed: string | undefined): Instance {
    const instance = parseInstance(typed, allowPrivate);
    checkInstanceAllowed(instance, rules);
    return instance;
  }

  async function start({ forceLogin, handle, restart }: StartOptions): Promise<UpstreamStart> {
    const instance = instanceOf(handle);
    const app = await registrations.get(instance);
    const codeVerifier = randomId(48);
    const upstream: UpstreamTransaction = {
      state: randomId(24),
      codeVerifier,
      server: instance.origin,
      clientId: app.clientId,
      handle: (handle ?? '').trim(),
      ...(restart ? { restarted: true } : {}),
    };
    const url = new URL(app.server.authorization);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: app.clientId,
      redirect_uri: app.redirectUri,
      scope: app.server.scope,
      state: upstream.state,
      code_challenge: createHash('sha256').update(codeVerifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    if (forceLogin) url.searchParams.set('force_login', 'true');
    return { upstream, url: url.href };
  }

  /** The access token for `code`; an instance that no longer knows Byline's app has the login begin again. */
  async function exchange(
    instance: Instance,
    app: Registration,
    code: string,
    upstream: UpstreamTransaction,
  ) {
    const response = await guardedFetch(app.server.token, {
      method: 'POST',
      headers: { accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        client_id: app.clientId,
        client_secret: app.clientSecret,
        redirect_uri: app.redirectUri,
        ...(upstream.codeVerifier ? { code_verifier: upstream.codeVerifier } : {}),
      }),
    });
    const body = await jsonObject(response, `${instance.host}'s token endpoint`).catch(
      () => ({}) as Record<string, unknown>,
    );
    if (response.status === 401 || body.error === 'invalid_client') {
      await registrations.forget(instance, app.clientId);
      throw new UpstreamRestartError(`${instance.host} no longer knows Byline's app`);
    }
    // Akkoma and Pleroma refuse a disabled, unconfirmed or unapproved account here (Mastodon at verify_credentials).
    if (response.status === 403)
      throw new UpstreamDeniedError(`${instance.host}'s token endpoint answered 403`);
    const token = body.access_token;
    if (!response.ok || typeof token !== 'string' || token.length === 0)
      throw new Error(
        `${instance.host}'s token endpoint answered ${response.status} ${cleanText(body.error, 64) ?? ''}`.trim(),
      );
    return token;
  }

  async function account(instance: Instance, token: string): Promise<Record<string, unknown>> {
    const response = await guardedFetch(new URL('/api/v1/accounts/verify_credentials', instance.origin), {
      headers: { accept: 'application/json', authorization: `Bearer ${token}` },
    });
    const what = `${instance.host}'s verify_credentials`;
    // 403: the account is disabled, unconfirmed or awaiting approval at its instance.
    if (response.status === 403) throw new UpstreamDeniedError(`${what} answered 403`);
    if (!response.ok) throw new Error(`${what} answered ${response.status}`);
    return jsonObject(response, what);
  }

  /** Byline keeps no token: it is revoked once the account is read (a failure changes nothing for the reader). */
  async function revoke(instance: Instance, app: Registration, token: string): Promise<void> {
    const response = await guardedFetch(new URL('/oauth/revoke', instance.origin), {
      method: 'POST',
      body: new URLSearchParams({ client_id: app.clientId, client_secret: app.clientSecret, token }),
    });
    await response.body?.cancel();
  }

  async function finish(params: URLSearchParams, upstream: UpstreamTransaction): Promise<Identity> {
    const code = params.get('code');
    if (!code || !upstream.server) throw new Error('the callback has no code or the login no instance');
    const instance = instanceOf(upstream.server);
    // Sent back through another instance's redirect URI: a mix-up, the code is not that instance's to redeem.
    if (!cameFrom(params, instance.origin))
      throw new Error(`the callback did not come through ${instance.host}'s redirect URI`);
    const app = await registrations.find(instance);
    // Registered anew since this login began (the instance had forgotten the app): the code is the old app's.
    if (!app || app.clientId !== upstream.clientId)
      throw new UpstreamRestartError(`Byline's app at ${instance.host} changed during the login`);
    const token = await exchange(instance, app, code, upstream);
    try {
      return accountIdentity(config.id, instance, await account(instance, token));
    } finally {
      await revoke(instance, app, token).catch(() => {});
    }
  }

  return {
    id: config.id,
    type: config.type,
    name: config.name,
    icon: ctx.iconUrl(config.icon, '/static/icons/mastodon.svg'),
    responseMode: 'query',
    handle: { label: msg('handle.mastodonLabel'), help: msg('handle.mastodonHelp') },
    start,
    finish,
  };
}
