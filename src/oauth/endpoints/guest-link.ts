import type { Request, RequestHandler, Response } from 'express';
import { BylineError } from '../../http/errors.js';
import { param, requiredParam } from '../../http/params.js';
import { clientAddress } from '../../http/rate-limit.js';
import { html, renderPage, translator } from '../../http/views.js';
import { type Message, msg } from '../../i18n/message.js';
import { localeOf } from '../../i18n/request-locale.js';
import { csrfField, csrfToken, verifyCsrf } from '../browser/csrf.js';
import { pendingRequest } from '../browser/pending-request.js';
import type { GatewayContext } from '../gateway-context.js';
import {
  addressRequester,
  type CodeRequester,
  confirmLink,
  type LinkedCode,
  readLink,
} from '../login/guest-codes.js';

/**
 * The link page's words, in the mail's language (its link carries `ui_locales`, and the page's button
 * posts it on), else the browser's.
 */
const words = {
  askTitle: msg('link.askTitle'),
  ask: (site: string) => msg('link.ask', { site }),
  button: msg('link.button'),
  deadTitle: msg('link.deadTitle'),
  dead: msg('link.dead'),
  elsewhereTitle: msg('link.elsewhereTitle'),
  elsewhere: (site: string) => msg('link.elsewhere', { site }),
  doneTitle: msg('link.doneTitle'),
  doneChooser: msg('link.doneChooser'),
  doneWidget: (site: string) => msg('link.doneWidget', { site }),
};

function page(res: Response, status: number, heading: Message, message: Message, form: unknown = ''): void {
  // The link's token is in this page's URL: no-store, and (layout.html) no referrer.
  res.status(status).set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
  res.type('html').send(renderPage('guest-verify', { title: heading, heading, message, form }, res));
}

const siteName = (ctx: GatewayContext, linked: LinkedCode) => ctx.sites.get(linked.site)?.name ?? linked.site;

/**
 * `GET /guest/verify?token=…`: the page the mail links to. It only reads: mail scanners and link
 * previews follow links, so the code is spent by the button's POST, never by this GET.
 */
export function guestLinkPageHandler(ctx: GatewayContext): RequestHandler {
  return async (req, res) => {
    const token = param(req.query, 'token', { max: 128 });
    const linked = token === undefined ? undefined : await readLink(ctx, token);
    if (!linked || linked.confirmed) {
      page(res, 400, words.deadTitle, words.dead);
      return;
    }
    const form = html`<form method="post" action="/guest/verify"><input type="hidden" name="token" value="${token}"><input type="hidden" name="ui_locales" value="${localeOf(res)}"><input type="hidden" name="${csrfField}" value="${csrfToken(ctx, req, res)}"><button type="submit">${translator(res)(words.button)}</button></form>`;
    page(res, 200, words.askTitle, words.ask(siteName(ctx, linked)), form);
  };
}

/**
 * Who sent this request, as the requester of a code would be named: the chooser's pending request
 * when this browser holds it, else the client address (which is what a widget's request is bound to).
 */
async function whoIsAsking(ctx: GatewayContext, req: Request, linked: LinkedCode): Promise<CodeRequester> {
  if ('request' in linked.requester) {
    const held = await pendingRequest(ctx, req, linked.requester.request).then(
      () => true,
      (error: unknown) => {
        if (error instanceof BylineError) return false;
        throw error;
      },
    );
    if (held) return linked.requester;
  }
  return addressRequester(ctx, clientAddress(req));
}

/**
 * `POST /guest/verify`: the link page's button. It spends the code and confirms the address for
 * whoever asked for the code — only when this request comes from them (the chooser's browser, or the
 * widget's network address), so a reader tricked into pressing it for someone else's request gives
 * that someone nothing. The reader then continues where they asked: the login window or the form.
 */
export function guestLinkConfirmHandler(ctx: GatewayContext): RequestHandler {
  return async (req, res) => {
    verifyCsrf(ctx, req);
    const token = requiredParam(req.body as Record<string, unknown> | undefined, 'token', { max: 128 });
    const linked = await readLink(ctx, token);
    const confirmed = linked && (await confirmLink(ctx, token, await whoIsAsking(ctx, req, linked)));
    if (!linked || !confirmed) {
      page(res, 400, words.deadTitle, words.dead);
      return;
    }
    const site = siteName(ctx, confirmed);
    if (!confirmed.confirmed) {
      page(res, 403, words.elsewhereTitle, words.elsewhere(site));
      return;
    }
    page(
      res,
      200,
      words.doneTitle,
      'request' in confirmed.requester ? words.doneChooser : words.doneWidget(site),
    );
  };
}
