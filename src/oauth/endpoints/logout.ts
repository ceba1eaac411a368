import type { Request, RequestHandler, Response } from 'express';
import { clearCookie } from '../../http/cookies.js';
import { BylineError } from '../../http/errors.js';
import { param } from '../../http/params.js';
import { type Html, html, renderPage } from '../../http/views.js';
import { csrfField, csrfToken, verifyCsrf } from '../browser/csrf.js';
import { currentBrowserSession, endBrowserSession, sessionCookie } from '../browser/session-cookie.js';
import type { GatewayContext } from '../gateway-context.js';

/** Where to send the reader afterwards, checked before anything else happens. */
interface LogoutRequest {
  clientId?: string;
  redirectUri?: string;
  state?: string;
}

/**
 * `client_id` + `post_logout_redirect_uri` (exact match against the site's `postLogoutRedirectUris`) +
 * optional `state`, as in OpenID RP-Initiated Logout. Anything wrong is an error page and nothing is
 * done: an unchecked redirect after logout would be an open redirector.
 */
function readLogoutRequest(ctx: GatewayContext, params: Record<string, unknown> | undefined): LogoutRequest {
  const clientId = param(params, 'client_id', { max: 64 });
  const redirectUri = param(params, 'post_logout_redirect_uri');
  const state = param(params, 'state', { max: 512 });
  const site = clientId === undefined ? undefined : ctx.sites.get(clientId);
  if (clientId !== undefined && !site)
    throw new BylineError('invalid_request', 'This site is not registered with Byline.');
  if (redirectUri !== undefined) {
    if (!site) throw new BylineError('invalid_request', 'post_logout_redirect_uri needs a client_id.');
    if (!site.postLogoutRedirectUris.includes(redirectUri))
      throw new BylineError(
        'invalid_request',
        'The post_logout_redirect_uri is not registered for this site.',
      );
  }
  return {
    ...(clientId !== undefined ? { clientId } : {}),
    ...(redirectUri !== undefined ? { redirectUri } : {}),
    ...(state !== undefined ? { state } : {}),
  };
}

function page(res: Response, vars: { title: string; heading: string; message: string; form: Html | string }) {
  res.set('Cache-Control', 'no-store');
  res.type('html').send(renderPage('logged-out', vars, res));
}

/** `GET /logout` never logs out (a link or an image could trigger it): it shows the confirmation form. */
export function logoutPageHandler(ctx: GatewayContext): RequestHandler {
  return async (req: Request, res: Response) => {
    const request = readLogoutRequest(ctx, req.query as Record<string, unknown>);
    const browser = await currentBrowserSession(ctx, req);
    const hidden = Object.entries({
      client_id: request.clientId,
      post_logout_redirect_uri: request.redirectUri,
      state: request.state,
    }).flatMap(([name, value]) =>
      value === undefined ? [] : [html`<input type="hidden" name="${name}" value="${value}">`],
    );
    page(res, {
      title: 'Log out',
      heading: 'Log out of Byline?',
      message: browser
        ? `You are logged in as ${browser.session.identity.name}. Logging out ends your login on every blog where you used it in this browser.`
        : 'You are not logged in to Byline in this browser.',
      form: html`<form class="stack" method="post" action="/logout"><input type="hidden" name="${csrfField}" value="${csrfToken(ctx, req, res)}">${hidden}<button type="submit">Log out</button></form>`,
    });
  };
}

/**
 * `POST /logout` (first-party, CSRF-protected): ends the Byline browser session and every site session
 * started under it, clears the cookie, then goes back to the registered `post_logout_redirect_uri`
 * (303, `state` echoed) or shows the logged-out page.
 */
export function logoutHandler(ctx: GatewayContext): RequestHandler {
  return async (req: Request, res: Response) => {
    verifyCsrf(ctx, req);
    const request = readLogoutRequest(ctx, req.body as Record<string, unknown> | undefined);
    const siteSessions = await endBrowserSession(ctx, req);
    if (siteSessions !== undefined) ctx.log.info({ site: request.clientId, siteSessions }, 'logged out');
    clearCookie(res, ctx.cookies, sessionCookie);
    if (request.redirectUri) {
      const target = new URL(request.redirectUri);
      if (request.state !== undefined) target.searchParams.set('state', request.state);
      res.set('Cache-Control', 'no-store').redirect(303, target.href);
      return;
    }
    page(res, {
      title: 'Logged out',
      heading: 'You are logged out',
      message:
        'Byline no longer remembers you in this browser, and your logins on the blogs where you used it have ended. You can close this window.',
      form: '',
    });
  };
}
