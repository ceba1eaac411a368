import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';

/**
 * The CORS headers of an answer to a site page: `Vary: Origin`, and the origin allowed when some site
 * registered it (answers whether it was). Node's response alone: POST /token calls it outside Express.
 */
export function allowSiteOrigin(
  req: IncomingMessage,
  res: ServerResponse,
  allowed: ReadonlySet<string>,
): boolean {
  const vary = res.getHeader('Vary');
  res.setHeader('Vary', vary === undefined ? 'Origin' : `${String(vary)}, Origin`);
  const origin = req.headers.origin;
  if (!origin || !allowed.has(origin)) return false;
  res.setHeader('Access-Control-Allow-Origin', origin);
  return true;
}

/**
 * CORS for the endpoints browsers on a site's pages call (/token, /userinfo, /revoke, /guest): only
 * origins some site registered, never with credentials — the widget needs no cookie of ours.
 */
export function siteCors(allowed: ReadonlySet<string>): RequestHandler {
  return (req, res, next) => {
    const allowedOrigin = allowSiteOrigin(req, res, allowed);
    if (req.method !== 'OPTIONS') return next();
    if (allowedOrigin)
      res.set({
        'Access-Control-Allow-Methods': 'GET, POST',
        'Access-Control-Allow-Headers': 'Authorization, Content-Type',
        'Access-Control-Max-Age': '600',
      });
    res.status(204).end();
  };
}
