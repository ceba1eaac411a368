import type { Response } from 'express';
import { html, renderPage, scriptJson } from '../../http/views.js';
import { msg } from '../../i18n/message.js';
import { speakFor } from '../../i18n/request-locale.js';
import type { GatewayContext } from '../gateway-context.js';
import type { AuthorizationRequest } from '../login/records.js';

export type AuthorizationResult = { code: string } | { error: string; error_description?: string };

/** Headers for every page that carries a code or hands a login back. */
function noStore(res: Response): void {
  res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache', 'Referrer-Policy': 'no-referrer' });
}

/**
 * Answers the site (RFC 6749 §4.1.2, RFC 9207 `iss`): a redirect in query mode; in web_message mode a
 * page that posts the response to `window.opener` at the registered origin (never `*`) and closes; in
 * form_post mode (OAuth 2.0 Form Post Response Mode) a page that POSTs it to the redirect URI.
 */
export function respondToSite(
  ctx: GatewayContext,
  res: Response,
  request: Pick<AuthorizationRequest, 'site' | 'redirectUri' | 'responseMode' | 'state'> &
    Partial<Pick<AuthorizationRequest, 'uiLocales'>>,
  result: AuthorizationResult,
): void {
  // A request may omit state when it uses PKCE; then the response carries none.
  const response: Record<string, string> = {
    ...result,
    ...(request.state ? { state: request.state } : {}),
    iss: ctx.issuer,
  };
  noStore(res);
  speakFor(res, request);
  if (request.responseMode === 'form_post') {
    const site = ctx.sites.get(request.site);
    const fields = Object.entries(response).map(
      ([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`,
    );
    res
      .status(200)
      .type('html')
      .send(
        renderPage(
          'form-post',
          {
            title: msg('return.title'),
            site: site?.name ?? request.site,
            action: request.redirectUri,
            fields: html`${fields}`,
          },
          res,
        ),
      );
    return;
  }
  if (request.responseMode === 'web_message') {
    const site = ctx.sites.get(request.site);
    res
      .status(200)
      .type('html')
      .send(
        renderPage(
          'web-message',
          {
            title: msg('return.title'),
            site: site?.name ?? request.site,
            payload: scriptJson({ origin: request.redirectUri, response }),
          },
          res,
        ),
      );
    return;
  }
  const target = new URL(request.redirectUri);
  for (const [name, value] of Object.entries(response)) target.searchParams.set(name, value);
  res.redirect(302, target.href);
}
