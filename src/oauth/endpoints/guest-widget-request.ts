import type { Request, Response } from 'express';
import type { SiteConfig } from '../../config/schema.js';
import { BylineError, readerErrors } from '../../http/errors.js';
import { requiredParam } from '../../http/params.js';
import { type Message, msg } from '../../i18n/message.js';
import type { GatewayContext } from '../gateway-context.js';

/**
 * What `POST /guest` and `POST /guest/code` check first of the widget's form post, answered uncached and
 * in the reader's language: the site it names (`client_id`), posted from one of that site's origins
 * (else `otherOrigin`, each endpoint's own words), and a site that takes guests.
 */
export function guestWidgetRequest(
  ctx: GatewayContext,
  req: Request,
  res: Response,
  otherOrigin: Message,
): { site: SiteConfig; body: Record<string, unknown> } {
  res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
  readerErrors(res);
  const body = (req.body ?? {}) as Record<string, unknown>;
  const site = ctx.sites.get(requiredParam(body, 'client_id', { max: 64 }));
  if (!site) throw new BylineError('invalid_client', msg('error.unknownClient'));
  const origin = req.headers.origin;
  if (!origin || !site.origins.includes(origin)) throw new BylineError('forbidden', otherOrigin);
  if (!site.guests.enabled) throw new BylineError('forbidden', msg('guestError.notAccepted'));
  return { site, body };
}
