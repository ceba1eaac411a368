import type { Request, RequestHandler, Response } from 'express';
import { BylineError } from '../../http/errors.js';
import { param, requiredParam } from '../../http/params.js';
import { tooManyRequests } from '../../http/rate-limit.js';
import type { Identity } from '../../identity.js';
import { isUnreachable, type UpstreamProvider } from '../../providers/provider.js';
import { runStrategy } from '../../providers/run-strategy.js';
import { respondToSite } from '../browser/hand-off.js';
import { pendingRequest } from '../browser/pending-request.js';
import { currentBrowserSession, setSessionCookie } from '../browser/session-cookie.js';
import { saveTransaction, takeTransaction } from '../browser/transaction-cookie.js';
import { type GatewayContext, siteProviders } from '../gateway-context.js';
import { consentWrites, hasConsent } from '../login/consent.js';
import { recordLogin } from '../login/login-events.js';
import type { AuthorizationRequest, LoginTransaction } from '../login/records.js';
import { signIn, signInBrowser } from '../login/sign-in.js';
import { askConsent } from './consent.js';

/** A per-request `req.session` holding only what the strategy stores for this login. */
type SessionRequest = Request & { session: Record<string, unknown> };

function withSession(req: Request, session: Record<string, unknown>): SessionRequest {
  (req as SessionRequest).session = session;
  return req as SessionRequest;
}

function upstreamFailure(
  ctx: GatewayContext,
  request: AuthorizationRequest,
  provider: string,
  error: unknown,
) {
  const unreachable = isUnreachable(error);
  recordLogin(ctx, request, provider, 'error');
  ctx.log.warn({ provider, err: error }, unreachable ? 'provider unreachable' : 'provider login failed');
  return unreachable
    ? { error: 'temporarily_unavailable', error_description: 'The identity provider could not be reached.' }
    : { error: 'server_error', error_description: 'The identity provider did not complete the login.' };
}

/** Sends the reader to the provider, recording the transaction under the strategy's upstream state. */
export async function startUpstream(
  ctx: GatewayContext,
  req: Request,
  res: Response,
  request: AuthorizationRequest,
  provider: UpstreamProvider,
): Promise<void> {
  let outcome: Awaited<ReturnType<typeof runStrategy>>;
  const session: Record<string, unknown> = {};
  try {
    const strategy = await provider.strategy();
    const options = provider.authorizeOptions?.(req, { forceLogin: request.forceLogin }) ?? {};
    outcome = await runStrategy(strategy, withSession(req, session), options);
  } catch (error) {
    outcome = { kind: 'error', error };
  }
  const state = outcome.kind === 'redirect' ? new URL(outcome.url).searchParams.get('state') : null;
  if (outcome.kind !== 'redirect' || !state) {
    const error = outcome.kind === 'error' ? outcome.error : new Error(`strategy answered ${outcome.kind}`);
    respondToSite(ctx, res, request, upstreamFailure(ctx, request, provider.id, error));
    return;
  }
  const transaction: LoginTransaction = {
    request,
    provider: provider.id,
    strategyState: session[provider.sessionKey],
  };
  await saveTransaction(ctx, req, res, state, transaction);
  res.set('Cache-Control', 'no-store');
  res.redirect(302, outcome.url);
}

/** `GET /auth/:provider?ar=…`: the chooser's link to one provider. */
export function providerStartHandler(ctx: GatewayContext): RequestHandler {
  return async (req, res) => {
    const provider = ctx.providers.get(String(req.params.provider));
    if (!provider) throw new BylineError('not_found', 'There is no such identity provider.');
    const id = requiredParam(req.query, 'ar', { max: 64 });
    const request = await pendingRequest(ctx, req, id);
    const wait = await ctx.rateLimits.loginStarts.consume(request.id);
    if (wait > 0)
      throw tooManyRequests(
        wait,
        'Too many logins were started from this page. Go back to the site and start again.',
      );
    const site = ctx.sites.get(request.site);
    if (!site || !siteProviders(ctx, site).some((p) => p.id === provider.id))
      throw new BylineError('invalid_request', 'This site does not offer that identity provider.');
    // The reader chose this site on the chooser, which names it: the login carries that consent along.
    await startUpstream(ctx, req, res, { ...request, chosen: true }, provider);
  };
}

/**
 * `GET /auth/:provider/callback`: the provider's answer. The transaction is taken (single use) before
 * anything else, so a failed or forged callback burns it.
 */
export function providerCallbackHandler(ctx: GatewayContext): RequestHandler {
  return async (req, res) => {
    const providerId = String(req.params.provider);
    const provider = ctx.providers.get(providerId);
    if (!provider) throw new BylineError('not_found', 'There is no such identity provider.');
    const state = param(req.query, 'state', { max: 512 });
    const transaction = state ? await takeTransaction(ctx, req, res, state, providerId) : 'used';
    if (transaction === 'used')
      throw new BylineError(
        'invalid_request',
        'This login has expired or was already used. Go back to the site and start again.',
      );
    if (transaction === 'foreign')
      throw new BylineError(
        'invalid_request',
        'This login was started somewhere else. Go back to the site and start again.',
      );

    const { request } = transaction;
    const code = param(req.query, 'code');
    const upstreamError = param(req.query, 'error', { max: 256 });
    if (upstreamError !== undefined || code === undefined) {
      const denied =
        upstreamError === 'access_denied' || param(req.query, 'error_reason', { max: 256 }) === 'user_denied';
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

    let outcome: Awaited<ReturnType<typeof runStrategy>>;
    try {
      const strategy = await provider.strategy();
      const session = { [provider.sessionKey]: transaction.strategyState };
      outcome = await runStrategy(strategy, withSession(req, session), {});
    } catch (error) {
      outcome = { kind: 'error', error };
    }
    if (outcome.kind === 'success') {
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
      const identity = outcome.user as Identity;
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
      return;
    }
    if (outcome.kind === 'fail') {
      recordLogin(ctx, request, providerId, 'denied');
      respondToSite(ctx, res, request, {
        error: 'access_denied',
        error_description: `The login at ${provider.name} was not accepted.`,
      });
      return;
    }
    const error = outcome.kind === 'error' ? outcome.error : new Error(`strategy answered ${outcome.kind}`);
    respondToSite(ctx, res, request, upstreamFailure(ctx, request, providerId, error));
  };
}
