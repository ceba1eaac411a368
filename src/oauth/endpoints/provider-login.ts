import type { Request, RequestHandler, Response } from 'express';
import { BylineError } from '../../http/errors.js';
import { param, requiredParam } from '../../http/params.js';
import { clientNetwork, tooManyRequests } from '../../http/rate-limit.js';
import { msg, type Text } from '../../i18n/message.js';
import { localeOf, speakFor } from '../../i18n/request-locale.js';
import { translate } from '../../i18n/translate.js';
import type { Identity } from '../../identity.js';
import {
  HandleError,
  isUnreachable,
  type ReaderExchange,
  type StartOptions,
  UpstreamDeniedError,
  type UpstreamProvider,
  UpstreamRestartError,
  type UpstreamStart,
} from '../../providers/provider.js';
import { respondToSite } from '../browser/hand-off.js';
import { pendingRequest } from '../browser/pending-request.js';
import { needsRepost, repostMarker, sendRepost } from '../browser/provider-repost.js';
import { currentBrowserSession, setSessionCookie } from '../browser/session-cookie.js';
import { saveTransaction, takeTransaction } from '../browser/transaction-cookie.js';
import { type GatewayContext, siteProviders } from '../gateway-context.js';
import { consentWrites, hasConsent } from '../login/consent.js';
import { recordLogin } from '../login/login-events.js';
import type { AuthorizationRequest, LoginTransaction } from '../login/records.js';
import { signIn, signInBrowser } from '../login/sign-in.js';
import { storeKeys } from '../login/store-keys.js';
import { renderChooser } from './chooser.js';
import { askConsent } from './consent.js';

/**
 * What the site hears when a leg of the login did not succeed: `access_denied` when the reader or the
 * provider refused, `temporarily_unavailable` when the provider could not be reached, else `server_error`.
 */
function upstreamFailure(
  ctx: GatewayContext,
  request: AuthorizationRequest,
  provider: UpstreamProvider,
  error: unknown,
) {
  if (error instanceof UpstreamDeniedError) {
    recordLogin(ctx, request, provider.id, 'denied');
    return { error: 'access_denied', error_description: `The login at ${provider.name} was not accepted.` };
  }
  const unreachable = isUnreachable(error);
  recordLogin(ctx, request, provider.id, 'error');
  ctx.log.warn(
    { provider: provider.id, err: error },
    unreachable ? 'provider unreachable' : 'provider login failed',
  );
  return unreachable
    ? { error: 'temporarily_unavailable', error_description: 'The identity provider could not be reached.' }
    : { error: 'server_error', error_description: 'The identity provider did not complete the login.' };
}

/**
 * The `error` values that mean the reader said no: OAuth's, Apple's when its Cancel is pressed, and
 * LinkedIn's (user_cancelled_login: no login; user_cancelled_authorize: the permissions refused).
 */
const deniedErrors = new Set(['access_denied', 'user_cancelled_authorize', 'user_cancelled_login']);

/**
 * The callback's parameters, from the query or, for a provider answering with `form_post`, the posted
 * form. Each must come once: a repeated one is refused as `param` refuses it.
 */
function callbackParams(req: Request, provider: UpstreamProvider): URLSearchParams {
  if (req.method === 'POST' && provider.responseMode !== 'form_post')
    throw new BylineError('invalid_request', msg('error.postedCallback', { provider: provider.name }));
  const source = (req.method === 'POST' ? req.body : req.query) as Record<string, unknown> | undefined;
  const params = new URLSearchParams();
  for (const name of Object.keys(source ?? {})) {
    const value = param(source, name, { max: 8192 });
    if (value !== undefined) params.set(name, value);
  }
  return params;
}

/**
 * The chooser again, at `provider`'s handle input with what was typed and why it began no login: the reader
 * corrects it there, whether they came from the chooser or straight from the site (idp with login_hint).
 */
async function handleAgain(
  ctx: GatewayContext,
  req: Request,
  res: Response,
  request: AuthorizationRequest,
  provider: UpstreamProvider,
  failure: { handle: string | undefined; error: Text; status: number },
): Promise<void> {
  speakFor(res, request);
  const site = ctx.sites.get(request.site);
  if (!site) throw new BylineError('invalid_request', msg('error.siteNotRegistered'));
  const { chosen: _, ...pending } = request;
  await ctx.store.set(
    storeKeys.authorizationRequest(request.id),
    pending,
    Math.max(request.expires - ctx.clock.now(), 1),
  );
  res.status(failure.status);
  await renderChooser(ctx, req, res, site, request, undefined, {
    provider: provider.id,
    handle: failure.handle,
    error: translate(localeOf(res), failure.error),
  });
}

/**
 * Sends the reader to the provider, recording the transaction under its upstream state first. A handle
 * provider looks up the server the reader named (counted per client network: an IPv6 client by its /64):
 * a handle that begins no login goes back to the chooser's input with the reason.
 */
export async function startUpstream(
  ctx: GatewayContext,
  req: Request,
  res: Response,
  request: AuthorizationRequest,
  provider: UpstreamProvider,
  options: Omit<StartOptions, 'forceLogin'> = {},
): Promise<void> {
  const { handle } = options;
  if (provider.handle) {
    const wait = await ctx.rateLimits.handleLookups.consume(clientNetwork(req));
    if (wait > 0) {
      const minutes = Math.max(1, Math.ceil(wait / 60_000));
      res.set('Retry-After', String(Math.ceil(wait / 1000)));
      await handleAgain(ctx, req, res, request, provider, {
        handle,
        error: msg('error.tooManyHandleLogins', { count: minutes }),
        status: 429,
      });
      return;
    }
  }
  let started: UpstreamStart;
  try {
    started = await provider.start({ forceLogin: request.forceLogin, ...options });
  } catch (error) {
    if (error instanceof HandleError && provider.handle) {
      recordLogin(ctx, request, provider.id, 'error');
      await handleAgain(ctx, req, res, request, provider, { handle, error: error.text, status: 400 });
      return;
    }
    respondToSite(ctx, res, request, upstreamFailure(ctx, request, provider, error));
    return;
  }
  const { upstream } = started;
  const transaction: LoginTransaction = { request, provider: provider.id, upstream };
  await saveTransaction(ctx, req, res, upstream.state, transaction);
  res.set('Cache-Control', 'no-store');
  if ('url' in started) {
    res.redirect(302, started.url);
    return;
  }
  try {
    await started.send({ req, res });
  } catch (error) {
    if (!res.headersSent) respondToSite(ctx, res, request, upstreamFailure(ctx, request, provider, error));
  }
}

/**
 * `GET /auth/:provider?ar=…`: the chooser's link to one provider, or its handle form
 * (`&login_hint=<handle>`, as on /authorize).
 */
export function providerStartHandler(ctx: GatewayContext): RequestHandler {
  return async (req, res) => {
    const provider = ctx.providers.get(String(req.params.provider));
    if (!provider) throw new BylineError('not_found', msg('error.unknownProvider'));
    const id = requiredParam(req.query, 'ar', { max: 64 });
    const handle = provider.handle ? param(req.query, 'login_hint', { max: 512 }) : undefined;
    const request = await pendingRequest(ctx, req, id);
    speakFor(res, request);
    const wait = await ctx.rateLimits.loginStarts.consume(request.id);
    if (wait > 0) throw tooManyRequests(wait, msg('error.tooManyStarts'));
    const site = ctx.sites.get(request.site);
    if (!site || !siteProviders(ctx, site).some((p) => p.id === provider.id))
      throw new BylineError('invalid_request', msg('error.providerNotOffered'));
    // The reader chose this site on the chooser, which names it: the login carries that consent along.
    await startUpstream(ctx, req, res, { ...request, chosen: true }, provider, handle ? { handle } : {});
  };
}

/**
 * `GET /auth/:provider/callback` (and `POST`, for a provider answering with `form_post`): the provider's
 * answer. A posted answer that came cross-site, without its transaction cookie, is first re-posted from
 * Byline's origin (provider-repost.ts), which takes nothing. Then the transaction is taken (single use)
 * before anything else, so a failed or forged callback burns it.
 */
export function providerCallbackHandler(ctx: GatewayContext): RequestHandler {
  return async (req, res) => {
    const providerId = String(req.params.provider);
    const provider = ctx.providers.get(providerId);
    if (!provider) throw new BylineError('not_found', msg('error.unknownProvider'));
    const params = callbackParams(req, provider);
    const state = params.get('state') ?? undefined;
    if (state !== undefined && state.length > 512)
      throw new BylineError('invalid_request', msg('error.stateTooLong'));
    if (needsRepost(ctx, req, params)) {
      sendRepost(res, `${ctx.issuer}/auth/${providerId}/callback`, provider.name, params);
      return;
    }
    params.delete(repostMarker);
    const transaction = state ? await takeTransaction(ctx, req, res, state, providerId) : 'used';
    if (transaction === 'used') throw new BylineError('invalid_request', msg('error.loginUsed'));
    if (transaction === 'foreign') throw new BylineError('invalid_request', msg('error.loginElsewhere'));

    const { request } = transaction;
    speakFor(res, request);
    const code = params.get('code') ?? undefined;
    const upstreamError = params.get('error') ?? undefined;
    if (upstreamError !== undefined || code === undefined) {
      const denied = deniedErrors.has(upstreamError ?? '') || params.get('error_reason') === 'user_denied';
      recordLogin(ctx, request, providerId, denied && code === undefined ? 'denied' : 'error');
      respondToSite(
        ctx,
        res,
        request,
        denied && code === undefined
          ? { error: 'access_denied', error_description: `The login at ${provider.name} was cancelled.` }
          : { error: 'server_error', error_description: `${provider.name} did not complete the login.` },
      );
      return;
    }

    const exchange: ReaderExchange = { req, res };
    let identity: Identity;
    try {
      identity = await provider.finish(params, transaction.upstream, exchange);
    } catch (error) {
      const { handle, restarted } = transaction.upstream;
      if (error instanceof UpstreamRestartError && handle !== undefined && !restarted) {
        ctx.log.info({ provider: providerId, err: error }, 'provider login started over');
        await startUpstream(ctx, req, res, request, provider, { handle, restart: true });
        return;
      }
      respondToSite(ctx, res, request, upstreamFailure(ctx, request, provider, error));
      return;
    }
    // The provider may have taken seconds; a reader who closed the tab meanwhile would get a login
    // and a code nobody can receive.
    if (req.socket.destroyed) {
      ctx.log.info(
        { provider: providerId, site: request.site },
        'the reader left before the login completed',
      );
      recordLogin(ctx, request, providerId, 'error');
      return;
    }
    const previous = await currentBrowserSession(ctx, req);
    const site = ctx.sites.get(request.site);
    // Straight from the site to the provider (idp=), the reader chose nothing on a page naming the site:
    // unless they chose it before (or the admin trusts it), they are asked before any code reaches it.
    if (site && !request.chosen && (request.askConsent || !(await hasConsent(ctx, site, identity)))) {
      // The login to Byline stands either way; only the site waits for the answer.
      const login = await signInBrowser(ctx, identity, previous);
      setSessionCookie(ctx, res, login);
      recordLogin(ctx, request, providerId, 'success');
      await askConsent(ctx, req, res, site, request, { id: login.id, identity });
      return;
    }
    const consent = request.chosen && site ? consentWrites(ctx, site, identity) : [];
    const signedIn = await signIn(ctx, request, identity, { previous }, consent);
    if (signedIn.browser) setSessionCookie(ctx, res, signedIn.browser);
    respondToSite(ctx, res, request, { code: signedIn.code });
    recordLogin(ctx, request, providerId, 'success');
  };
}
