import type { Request, RequestHandler, Response } from 'express';
import { clearCookie } from '../../http/cookies.js';
import { BylineError } from '../../http/errors.js';
import { param } from '../../http/params.js';
import { type Html, html, renderPage } from '../../http/views.js';
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
  /** `ui_locales` as the site sent it, kept for the language catalogs to come (DESIGN.md, Language). */
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
  params: Record<string, unknown> | undefined,
): Promise<LogoutRequest> {
  const clientId = param(params, 'client_id', { max: 64 });
  const redirectUri = param(params, 'post_logout_redirect_uri');
  const state = param(params, 'state', { max: 512 });
  const uiLocales = param(params, 'ui_locales', { max: 128 });
  const idTokenHint = param(params, 'id_token_hint', { max: 8192 });
  if (clientId !== undefined && !ctx.sites.has(clientId))
    throw new BylineError('invalid_request', 'This site is not registered with Byline.');
  let hint: IdTokenHint | undefined;
  if (idTokenHint !== undefined) {
    hint = await verifyIdTokenHint(ctx.keys, idTokenHint, { issuer: ctx.issuer });
    if (!hint)
      throw new BylineError('invalid_request', 'The id_token_hint is not an ID token issued by Byline.');
    if (!ctx.sites.has(hint.aud))
      throw new BylineError(
        'invalid_request',
        'The id_token_hint was issued to a site Byline does not know.',
      );
    if (clientId !== undefined && clientId !== hint.aud)
      throw new BylineError(
        'invalid_request',
        'The client_id is not the site the id_token_hint was issued to.',
      );
  }
  const siteId = clientId ?? hint?.aud;
  const site = siteId === undefined ? undefined : ctx.sites.get(siteId);
  if (redirectUri !== undefined) {
    if (!site)
      throw new BylineError(
        'invalid_request',
        'post_logout_redirect_uri needs a client_id or an id_token_hint.',
      );
    if (!site.postLogoutRedirectUris.includes(redirectUri))
      throw new BylineError(
        'invalid_request',
        'The post_logout_redirect_uri is not registered for this site.',
      );
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
  vars: { title: string; heading: string; message: string; form: Html | string },
) {
  // For the language catalogs to come: the page's locale will be chosen from it (DESIGN.md, Language).
  if (request.uiLocales !== undefined) res.locals.uiLocales = request.uiLocales;
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
  const request = await readLogoutRequest(ctx, params);
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
  const siteName = request.clientId === undefined ? 'A site' : ctx.sites.get(request.clientId)?.name;
  const foreign = browser && request.hint && !(await hintIsThisBrowsers(ctx, request.hint, browser));
  const whole = 'Logging out ends your login on every blog where you used it in this browser.';
  page(res, request, {
    title: 'Log out',
    heading: 'Log out of Byline?',
    message: !browser
      ? 'You are not logged in to Byline in this browser.'
      : foreign
        ? `${siteName} asked to end a login that is not the one this browser holds. You are logged in here as ${browser.session.identity.name}. ${whole}`
        : `You are logged in as ${browser.session.identity.name}. ${whole}`,
    form: html`<form class="stack" method="post" action="/logout"><input type="hidden" name="${csrfField}" value="${csrfToken(ctx, req, res)}">${hidden}<button type="submit">Log out</button></form>`,
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
    const request = await readLogoutRequest(ctx, req.body as Record<string, unknown> | undefined);
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
      title: 'Logged out',
      heading: 'You are logged out',
      message:
        'Byline no longer remembers you in this browser, and your logins on the blogs where you used it have ended. You can close this window.',
      form: '',
    });
  };
}
