import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';

/**
 * CORS for the endpoints browsers on a site's pages call (/token, /userinfo, /revoke, /guest): only
 * origins some site registered, never with credentials — the widget needs no cookie of ours.
 */
export function siteCors(allowedOrigins: () => ReadonlySet<string>): RequestHandler {
  return (req, res, next) => {
    const origin = req.headers.origin;
    res.vary('Origin');
    if (origin && allowedOrigins().has(origin)) {
      res.set('Access-Control-Allow-Origin', origin);
      if (req.method === 'OPTIONS') {
        res.set({
          'Access-Control-Allow-Methods': 'GET, POST',
          'Access-Control-Allow-Headers': 'Authorization, Content-Type',
          'Access-Control-Max-Age': '600',
        });
        res.status(204).end();
        return;
      }
    } else if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  };
}

/**
 * `siteCors`'s answer to a request that is not a preflight, for a handler outside Express whose response
 * has no `Vary` yet (POST /token).
 */
export function siteCorsHeaders(
  req: IncomingMessage,
  res: ServerResponse,
  allowed: ReadonlySet<string>,
): void {
  res.setHeader('Vary', 'Origin');
  const origin = req.headers.origin;
  if (origin && allowed.has(origin)) res.setHeader('Access-Control-Allow-Origin', origin);
}
