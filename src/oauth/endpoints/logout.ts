import type { Request, RequestHandler, Response } from 'express';
import { clearCookie } from '../../http/cookies.js';
import { BylineError } from '../../http/errors.js';
import { param } from '../../http/params.js';
import { type Html, html, renderPage, translator } from '../../http/views.js';
import { type Message, msg } from '../../i18n/message.js';
import { speakFor } from '../../i18n/request-locale.js';
import { type IdTokenHint, verifyIdTokenHint } from '../../tokens/id-token.js';
import { pairwiseSubject, publicSubject } from '../../tokens/subject.js';
import { csrfField, csrfToken, verifyCsrf } from '../browser/csrf.js';
import { currentBrowserSession, endBrowserSession, sessionCookie } from '../browser/session-cookie.js';
import type { GatewayContext } from '../gateway-context.js';
import { openSid } from '../login/handles.js';
import type { LoginRecord } from '../login/records.js';
import type { LiveLogin } from '../login/sessions.js';
import { storeKeys } from '../login/store-keys.js';

/** A checked RP-Initiated Logout request: where to send the reader afterwards, and what the site said. */
interface LogoutRequest {
  /** The site, from `client_id` or the hint's `aud`. */
  clientId?: string;
  redirectUri?: string;
  state?: string;
  /** `ui_locales` as the site sent it: the language of the pages (DESIGN.md, Language). */
  uiLocales?: string;
  /** The `id_token_hint` as sent (carried to the POST, which checks it again) and what it says. */
  idTokenHint?: string;
  hint?: IdTokenHint;
}

/**
 * OpenID RP-Initiated Logout 1.0 §2: `id_token_hint` (Byline's own signature; an expired one is fine),
 * `client_id` (the hint's `aud` when both are given), `post_logout_redirect_uri` (exact match against
 * the site's `postLogoutRedirectUris`, the site known from `client_id` or the hint), `state` and
 * `ui_locales`. Anything wrong is an error page and nothing is done: an unchecked redirect after logout
 * would be an open redirector, and a hint that is not ours must not log anyone out.
 */
async function readLogoutRequest(
  ctx: GatewayContext,
  res: Response,
  params: Record<string, unknown> | undefined,
): Promise<LogoutRequest> {
  const clientId = param(params, 'client_id', { max: 64 });
  const redirectUri = param(params, 'post_logout_redirect_uri');
  const state = param(params, 'state', { max: 512 });
  const uiLocales = param(params, 'ui_locales', { max: 128 });
  // Even the refusals below speak the language the site asked for.
  speakFor(res, { uiLocales });
  const idTokenHint = param(params, 'id_token_hint', { max: 8192 });
  if (clientId !== undefined && !ctx.sites.has(clientId))
    throw new BylineError('invalid_request', msg('error.siteNotRegistered'));
  let hint: IdTokenHint | undefined;
  if (idTokenHint !== undefined) {
    hint = await verifyIdTokenHint(ctx.keys, idTokenHint, { issuer: ctx.issuer });
    if (!hint) throw new BylineError('invalid_request', msg('logout.hintNotOurs'));
    if (!ctx.sites.has(hint.aud)) throw new BylineError('invalid_request', msg('logout.hintUnknownSite'));
    if (clientId !== undefined && clientId !== hint.aud)
      throw new BylineError('invalid_request', msg('logout.hintOtherSite'));
  }
  const siteId = clientId ?? hint?.aud;
  const site = siteId === undefined ? undefined : ctx.sites.get(siteId);
  if (redirectUri !== undefined) {
    if (!site) throw new BylineError('invalid_request', msg('logout.redirectWithoutSite'));
    if (!site.postLogoutRedirectUris.includes(redirectUri))
      throw new BylineError('invalid_request', msg('logout.redirectNotRegistered'));
  }
  return {
    ...(siteId !== undefined ? { clientId: siteId } : {}),
    ...(redirectUri !== undefined ? { redirectUri } : {}),
    ...(state !== undefined ? { state } : {}),
    ...(uiLocales !== undefined ? { uiLocales } : {}),
    ...(idTokenHint !== undefined && hint ? { idTokenHint, hint } : {}),
  };
}

/**
 * Whether the hint names a login this browser's logout ends (the current one or one it held before) and
 * that login's reader. A hint naming anyone else's login still gets the confirmation page, and the
 * logout still ends only what this browser holds.
 */
async function hintIsThisBrowsers(
  ctx: GatewayContext,
  hint: IdTokenHint,
  login: LiveLogin,
): Promise<boolean> {
  const where = openSid(ctx.keys.rootSecret, hint.sid);
  if (!where) return false;
  let record: LoginRecord | undefined;
  if (where.loginId === login.id) record = login.session;
  else if (login.session.earlier?.includes(where.loginId))
    record = await ctx.store.get<LoginRecord>(storeKeys.login(where.loginId));
  if (!record) return false;
  const sub = publicSubject(record.identity);
  return hint.sub === sub || hint.sub === pairwiseSubject(ctx.keys.rootSecret, hint.aud, sub);
}

function page(
  res: Response,
  request: LogoutRequest,
  vars: { title: Message; heading: Message; message: Message | Html; form: Html | string },
) {
  speakFor(res, request);
  res.set('Cache-Control', 'no-store');
  res.type('html').send(renderPage('logged-out', vars, res));
}

/** `GET /logout` never logs out (a link or an image could trigger it): it shows the confirmation form. */
export function logoutPageHandler(ctx: GatewayContext): RequestHandler {
  return (req: Request, res: Response) => confirmation(ctx, req, res, req.query as Record<string, unknown>);
}

/** The confirmation page for a logout request's parameters, whose form posts them back with a CSRF token. */
async function confirmation(
  ctx: GatewayContext,
  req: Request,
  res: Response,
  params: Record<string, unknown>,
): Promise<void> {
  const request = await readLogoutRequest(ctx, res, params);
  const browser = await currentBrowserSession(ctx, req);
  const hidden = Object.entries({
    client_id: request.clientId,
    post_logout_redirect_uri: request.redirectUri,
    state: request.state,
    ui_locales: request.uiLocales,
    id_token_hint: request.idTokenHint,
  }).flatMap(([name, value]) =>
    value === undefined ? [] : [html`<input type="hidden" name="${name}" value="${value}">`],
  );
  // A foreign hint names the site it was issued to: request.clientId is set.
  const site =
    request.clientId === undefined ? '' : (ctx.sites.get(request.clientId)?.name ?? request.clientId);
  const foreign = browser && request.hint && !(await hintIsThisBrowsers(ctx, request.hint, browser));
  const name = browser ? html`<bdi>${browser.session.identity.name}</bdi>` : '';
  const who = foreign ? msg('logout.foreign', { site, name }) : msg('logout.loggedInAs', { name });
  const t = translator(res);
  page(res, request, {
    title: msg('logout.title'),
    heading: msg('logout.heading'),
    message: !browser ? msg('logout.notLoggedIn') : html`${t(who)} ${t(msg('logout.everywhere'))}`,
    form: html`<form class="stack" method="post" action="/logout"><input type="hidden" name="${csrfField}" value="${csrfToken(ctx, req, res)}">${hidden}<button type="submit">${t(msg('logout.button'))}</button></form>`,
  });
}

/**
 * `POST /logout` (first-party, CSRF-protected): ends the Byline browser session and every site session
 * started under it (sites with back-channel logout are told), clears the cookie, then goes back to the
 * registered `post_logout_redirect_uri` (303, `state` echoed) or shows the logged-out page. It ends only
 * what this browser holds, whatever login an `id_token_hint` names.
 */
export function logoutHandler(ctx: GatewayContext): RequestHandler {
  return async (req: Request, res: Response) => {
    const body = req.body as Record<string, unknown> | undefined;
    // RP-Initiated Logout 1.0 §2: a relying party may POST its request too. Without our CSRF field it
    // is such a request, and gets the confirmation page, as a GET does; it never logs out by itself.
    if (body?.[csrfField] === undefined) {
      await confirmation(ctx, req, res, body ?? {});
      return;
    }
    verifyCsrf(ctx, req);
    const request = await readLogoutRequest(ctx, res, req.body as Record<string, unknown> | undefined);
    const siteSessions = await endBrowserSession(ctx, req);
    if (siteSessions !== undefined) ctx.log.info({ site: request.clientId, siteSessions }, 'logged out');
    clearCookie(res, ctx.cookies, sessionCookie);
    if (request.redirectUri) {
      // The registered string exactly (no URL normalisation, such as an added trailing slash), plus state.
      const separator = request.redirectUri.includes('?') ? '&' : '?';
      const target =
        request.state === undefined
          ? request.redirectUri
          : `${request.redirectUri}${separator}state=${encodeURIComponent(request.state)}`;
      res.set('Cache-Control', 'no-store').redirect(303, target);
      return;
    }
    page(res, request, {
      title: msg('logout.doneTitle'),
      heading: msg('logout.doneHeading'),
      message: msg('logout.done'),
      form: '',
    });
  };
}
