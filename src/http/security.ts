import { randomBytes } from 'node:crypto';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/** A fresh CSP nonce per response, for the few inline scripts and styles our pages carry. */
export const cspNonce: RequestHandler = (_req, res, next) => {
  res.locals.cspNonce = randomBytes(16).toString('base64');
  next();
};

/**
 * helmet with a strict CSP. Pages may be framed by no one; forms may post only to Byline, but their
 * redirects may go on to providers and sites (form-action would block those in Chromium).
 */
export function securityHeaders(options: { https: boolean }): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: [
          "'self'",
          (_req, res) => `'nonce-${(res as unknown as { locals: { cspNonce: string } }).locals.cspNonce}'`,
        ],
        styleSrc: [
          "'self'",
          (_req, res) => `'nonce-${(res as unknown as { locals: { cspNonce: string } }).locals.cspNonce}'`,
        ],
        imgSrc: ["'self'", 'https:', 'data:'],
        connectSrc: ["'self'"],
        formAction: null,
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        // On a plain-http deployment (development) upgrading subresources to https would break them.
        upgradeInsecureRequests: options.https ? [] : null,
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
    // Only an https deployment may pin browsers to https (a plain-http development host must not).
    strictTransportSecurity: options.https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    crossOriginResourcePolicy: { policy: 'same-site' },
  });
}

/**
 * helmet's `Cross-Origin-Opener-Policy: same-origin` would null `window.opener` in the login popup and
 * break web_message; the login pages relax it.
 */
export const openerAllowed: RequestHandler = (_req, res, next) => {
  res.set('Cross-Origin-Opener-Policy', 'unsafe-none');
  next();
};

/** Public resources other origins load (discovery, JWKS, icons, widget.js). */
export const crossOriginReadable: RequestHandler = (_req, res, next) => {
  res.set('Cross-Origin-Resource-Policy', 'cross-origin');
  next();
};
