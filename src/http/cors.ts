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
