import type { Request, Response } from 'express';
import { html, renderPage } from '../../http/views.js';
import { msg } from '../../i18n/message.js';
import type { GatewayContext } from '../gateway-context.js';
import { carriesTransaction } from './transaction-cookie.js';

/** The field Byline adds when it re-posts a provider's answer, so that it re-posts at most once. */
export const repostMarker = 'byline_reposted';

/**
 * Whether a provider's posted answer (response_mode=form_post, Apple's) must be re-posted from Byline's
 * own origin first. The provider's page posts it cross-site, and the browser leaves out the SameSite=Lax
 * cookies that hold the login transaction and its binding; a POST from a page of Byline's carries them.
 * Only a POST with a state, without that state's transaction cookie, not re-posted already: the
 * re-posted request then meets every check a direct one would (the cookie, the binding, single use).
 */
export function needsRepost(ctx: GatewayContext, req: Request, params: URLSearchParams): boolean {
  const state = params.get('state');
  return (
    req.method === 'POST' &&
    state !== null &&
    !params.has(repostMarker) &&
    !carriesTransaction(ctx, req, state)
  );
}

/**
 * Answers with a page of Byline's (its CSP nonce, no other script) that posts the same fields to the same
 * callback, plus the marker. It holds the provider's code only as the posted form already did, and is
 * never cached or referred.
 */
export function sendRepost(
  res: Response,
  action: string,
  providerName: string,
  params: URLSearchParams,
): void {
  const fields = [...params, [repostMarker, '1']].map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`,
  );
  res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache', 'Referrer-Policy': 'no-referrer' });
  res
    .status(200)
    .type('html')
    .send(
      renderPage(
        'provider-repost',
        { title: msg('repost.title'), provider: providerName, action, fields: html`${fields}` },
        res,
      ),
    );
}
