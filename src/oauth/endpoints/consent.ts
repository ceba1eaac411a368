import type { Request, RequestHandler, Response } from 'express';
import type { SiteConfig } from '../../config/schema.js';
import { BylineError } from '../../http/errors.js';
import { param, requiredParam } from '../../http/params.js';
import { html, renderPage } from '../../http/views.js';
import { type Message, msg } from '../../i18n/message.js';
import { speakFor } from '../../i18n/request-locale.js';
import type { Identity } from '../../identity.js';
import { csrfField, csrfToken, verifyCsrf } from '../browser/csrf.js';
import { respondToSite } from '../browser/hand-off.js';
import { pendingRequest, takePendingRequest } from '../browser/pending-request.js';
import { currentBrowserSession } from '../browser/session-cookie.js';
import type { GatewayContext } from '../gateway-context.js';
import { consentWrites } from '../login/consent.js';
import { type AuthorizationRequest, loginTtlMs } from '../login/records.js';
import { recentEnough } from '../login/sessions.js';
import { joinLogin } from '../login/sign-in.js';
import { storeKeys } from '../login/store-keys.js';
import { renderChooser } from './chooser.js';

/** What the site will learn, in words: what its scopes (or, without scopes, its `claims`) let through. */
function sharedClaims(site: SiteConfig, request: AuthorizationRequest): Message {
  const scope = request.scope;
  const profile = !scope || scope.includes('profile');
  const email = scope ? scope.includes('email') : site.claims.includes('email');
  if (profile) return msg(email ? 'consent.sharedBoth' : 'consent.sharedProfile');
  return msg(email ? 'consent.sharedEmail' : 'consent.sharedNone');
}

/**
 * The consent question for login `loginId` (the browser's): the pending request is kept under its `ar:`
 * id, bound to this browser like the chooser's, until the reader answers with a POST to /auth/consent.
 */
export async function askConsent(
  ctx: GatewayContext,
  req: Request,
  res: Response,
  site: SiteConfig,
  request: AuthorizationRequest,
  login: { id: string; identity: Identity },
): Promise<void> {
  // The question may come after minutes at the provider: the reader gets the usual time to answer.
  const pending: AuthorizationRequest = {
    ...request,
    consentLogin: login.id,
    expires: ctx.clock.now() + loginTtlMs,
  };
  await ctx.store.set(storeKeys.authorizationRequest(pending.id), pending, loginTtlMs);
  const provider = ctx.providers.get(login.identity.provider);
  // The reader's name is theirs, in any script: isolated from the sentence's direction, never translated.
  const name = html`<bdi>${login.identity.name}</bdi>`;
  const providerName = provider?.name ?? login.identity.provider;
  speakFor(res, request);
  res.set('Cache-Control', 'no-store');
  res.type('html').send(
    renderPage(
      'consent',
      {
        title: msg('consent.title', { site: site.name }),
        site: site.name,
        name,
        who: msg('consent.who', { name: html`<strong>${name}</strong>`, provider: providerName }),
        providerIcon: provider?.icon ?? '',
        shared: sharedClaims(site, pending),
        ar: pending.id,
        csrfField,
        csrf: csrfToken(ctx, req, res),
      },
      res,
    ),
  );
}

/**
 * `POST /auth/consent`: the answer to the question (`decision` = allow, deny or switch), from Byline's own
 * page with its CSRF token. Allow remembers the choice and gives the site its code; deny answers the site
 * `access_denied`; switch shows the chooser, where choosing a provider counts as choosing the site.
 */
export function consentHandler(ctx: GatewayContext): RequestHandler {
  return async (req, res) => {
    verifyCsrf(ctx, req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const id = requiredParam(body, 'ar', { max: 64 });
    const decision = param(body, 'decision', { max: 16 });
    if (decision !== 'allow' && decision !== 'deny' && decision !== 'switch')
      throw new BylineError('invalid_request', msg('consent.choose'));
    const request = await pendingRequest(ctx, req, id);
    speakFor(res, request);
    // A chooser's request asked no question: its answer is the reader's choice on the chooser.
    if (request.consentLogin === undefined)
      throw new BylineError('invalid_request', msg('error.loginExpired'));
    const site = ctx.sites.get(request.site);
    if (!site) throw new BylineError('invalid_request', msg('error.siteNotRegistered'));
    if (decision === 'switch') {
      const { consentLogin: _asked, ...rest } = request;
      const chooser: AuthorizationRequest = { ...rest, forceLogin: true };
      await ctx.store.set(
        storeKeys.authorizationRequest(id),
        chooser,
        Math.max(request.expires - ctx.clock.now(), 1),
      );
      await renderChooser(ctx, req, res, site, chooser);
      return;
    }
    const taken = await takePendingRequest(ctx, id);
    if (decision === 'deny') {
      respondToSite(ctx, res, taken, {
        error: 'access_denied',
        error_description: `The reader did not continue to ${site.name}.`,
      });
      return;
    }
    // The answer is for the login the question named: not for one that replaced it meanwhile in another tab.
    const browser = await currentBrowserSession(ctx, req);
    if (!browser || browser.id !== taken.consentLogin)
      throw new BylineError('invalid_request', msg('consent.changed'));
    // The reader may have taken minutes to answer: the login must still be as recent as max_age asks.
    if (!recentEnough(ctx, browser, taken.maxAge)) {
      respondToSite(ctx, res, taken, {
        error: 'login_required',
        error_description: 'The login is older than max_age allows.',
      });
      return;
    }
    const identity = browser.session.identity;
    const code = await joinLogin(ctx, taken, browser, consentWrites(ctx, site, identity));
    respondToSite(ctx, res, taken, { code });
  };
}
