import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';

/** The request's origin when some site registered it: the one origin CORS allows an answer to. */
function siteOrigin(req: IncomingMessage, allowed: ReadonlySet<string>): string | undefined {
  const origin = req.headers.origin;
  return origin && allowed.has(origin) ? origin : undefined;
}

/** The CORS headers of an answer to a site page, as `writeHead` takes them (name, value, …). */
export function siteCorsHeaders(req: IncomingMessage, allowed: ReadonlySet<string>): string[] {
  const origin = siteOrigin(req, allowed);
  return origin === undefined
    ? ['Vary', 'Origin']
    : ['Vary', 'Origin', 'Access-Control-Allow-Origin', origin];
}

/**
 * The CORS headers of an answer to a site page: `Vary: Origin`, and the origin allowed when some site
 * registered it (answers whether it was).
 */
function allowSiteOrigin(req: IncomingMessage, res: ServerResponse, allowed: ReadonlySet<string>): boolean {
  const vary = res.getHeader('Vary');
  res.setHeader('Vary', vary === undefined ? 'Origin' : `${String(vary)}, Origin`);
  const origin = siteOrigin(req, allowed);
  if (origin === undefined) return false;
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
