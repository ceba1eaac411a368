import type { Request } from 'express';
import { isLoopbackHost } from '../loopback.js';

/**
 * The demo pages' Content-Security-Policy. The page loads widget.js and demo.css from Byline, the widget
 * calls Byline's /widget/config and /token and shows its provider icons: all at the issuer's origin, which
 * 'self' covers only when the page is served from that very origin. A blog that embeds the widget
 * writes the same policy with its own origin as 'self'.
 */
export function demoPolicy(issuer: string): string {
  const byline = new URL(issuer).origin;
  return [
    "default-src 'self'",
    `script-src 'self' ${byline}`,
    `style-src 'self' ${byline}`,
    `img-src 'self' ${byline} https: data:`,
    `connect-src 'self' ${byline}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Where to send a demo request that reached this server under another loopback name than the issuer's
 * (`http://127.0.0.1:3000/demo` while publicUrl is `http://localhost:3000`), else undefined. The demo
 * site's origins, its redirect URIs and the widget's gateway all name the issuer's origin, and
 * 127.0.0.1 and localhost are different sites to a browser, so a page at the other name cannot log in.
 *
 * Only loopback names on the issuer's own port are redirected: a host name that is not loopback may be a
 * reverse proxy's rewrite (redirecting it could loop), and another port is another server (a blog on
 * localhost:8080 that mounts this router with Byline as issuer).
 */
export function issuerRedirect(req: Request, issuer: string): string | undefined {
  const home = new URL(issuer);
  if (!isLoopbackHost(home.hostname)) return undefined;
  let reached: URL;
  try {
    reached = new URL(`${home.protocol}//${req.headers.host ?? ''}`);
  } catch {
    return undefined;
  }
  if (reached.host === home.host || reached.port !== home.port || !isLoopbackHost(reached.hostname))
    return undefined;
  return `${home.origin}${req.originalUrl}`;
}
