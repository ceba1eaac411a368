import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler, Response } from 'express';
import helmet, { type HelmetOptions } from 'helmet';

// Stands in for the nonce while helmet writes the policy once; each page puts its own in its place.
const noncePlaceholder = 'byline-csp-nonce';
const nonceSource = `'nonce-${noncePlaceholder}'`;

/**
 * helmet with a strict CSP. Pages may be framed by no one; forms may post only to Byline, but their
 * redirects may go on to providers and sites (form-action would block those in Chromium).
 */
function helmetOptions(https: boolean): Readonly<HelmetOptions> {
  return {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", nonceSource],
        styleSrc: ["'self'", nonceSource],
        imgSrc: ["'self'", 'https:', 'data:'],
        connectSrc: ["'self'"],
        formAction: null,
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        // On a plain-http deployment (development) upgrading subresources to https would break them.
        upgradeInsecureRequests: https ? [] : null,
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
    // Only an https deployment may pin browsers to https (a plain-http development host must not).
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    crossOriginResourcePolicy: { policy: 'same-site' },
  };
}

/** The headers helmet sets for these options, recorded once: none of them depends on the request. */
function recordHelmet(options: Readonly<HelmetOptions>): Map<string, string> {
  const headers = new Map<string, string>();
  const recorder = {
    setHeader: (name: string, value: unknown) => headers.set(name, String(value)),
    removeHeader: (name: string) => headers.delete(name),
  };
  let done = false;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
    done = true;
  });
  if (!done) throw new Error('helmet did not finish synchronously');
  return headers;
}

const policyKey = Symbol('byline.csp');
type WithPolicy = Response & { locals: { [policyKey]?: string; cspNonce?: string } };

/**
 * helmet's headers on every response, computed once at start-up instead of by helmet's dozen
 * middlewares per request. The CSP allows no inline script or style at all until a page asks for a
 * nonce (`pageNonce`): JSON answers and redirects never get one, so they cost no random bytes.
 */
export function securityHeaders(options: { https: boolean }): (res: Response) => void {
  const recorded = recordHelmet(helmetOptions(options.https));
  const policy = recorded.get('Content-Security-Policy');
  if (!policy?.includes(nonceSource)) throw new Error('the CSP lost its nonce source');
  recorded.set('Content-Security-Policy', policy.replaceAll(` ${nonceSource}`, ''));
  const headers = [...recorded];
  return (res) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    (res as WithPolicy).locals[policyKey] = policy;
  };
}

/**
 * The headers of a JSON answer to a site's backend or widget (`POST /token`): those OWASP's REST Security
 * Cheat Sheet asks of API responses (with the handler's Cache-Control and Content-Type), and CORP. The rest
 * of helmet's serve HTML pages; a token answer is never rendered, framed or navigated to. As `writeHead`
 * takes them: name, value, name, value.
 */
export function apiSecurityHeaders(options: { https: boolean }): readonly string[] {
  const hsts = options.https ? recordHelmet(helmetOptions(true)).get('Strict-Transport-Security') : undefined;
  return [
    'Content-Security-Policy',
    "default-src 'none'; frame-ancestors 'none'",
    'Cross-Origin-Resource-Policy',
    'same-site',
    'X-Content-Type-Options',
    'nosniff',
    'X-Frame-Options',
    'DENY',
    ...(hsts ? ['Strict-Transport-Security', hsts] : []),
  ];
}

/**
 * The nonce this response's inline scripts and styles carry. The first call makes a fresh one and
 * puts it in the response's CSP; later calls return the same one.
 */
export function pageNonce(res: Response): string {
  const locals = (res as WithPolicy).locals;
  if (locals.cspNonce) return locals.cspNonce;
  const nonce = randomBytes(16).toString('base64');
  locals.cspNonce = nonce;
  const policy = locals[policyKey];
  if (policy && !res.headersSent)
    res.setHeader('Content-Security-Policy', policy.replaceAll(noncePlaceholder, nonce));
  return nonce;
}

/**
 * helmet's `Cross-Origin-Opener-Policy: same-origin` would null `window.opener` in the login popup and
 * break web_message; the login pages relax it.
 */
export const openerAllowed: RequestHandler = (_req, res, next) => {
  res.setHeader('Cross-Origin-Opener-Policy', 'unsafe-none');
  next();
};

/** Public resources other origins load (discovery, JWKS, icons, widget.js). */
export const crossOriginReadable: RequestHandler = (_req, res, next) => {
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  next();
};
