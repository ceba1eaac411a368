import { createHmac } from 'node:crypto';
import type { Request, Response } from 'express';
import { deriveKey } from '../../crypto/derive-key.js';
import { sameSecret } from '../../crypto/same-secret.js';
import { BylineError } from '../../http/errors.js';
import { param } from '../../http/params.js';
import { msg } from '../../i18n/message.js';
import type { GatewayContext } from '../gateway-context.js';
import { ensureBinding, requestBinding } from './binding.js';

/** The hidden form field that carries the token. */
export const csrfField = 'csrf';

// Keyed from the root secret, so every instance sharing the key files agrees.
function mac(ctx: GatewayContext, binding: string): string {
  return createHmac('sha256', deriveKey(ctx.keys.rootSecret, 'byline csrf'))
    .update(binding)
    .digest('base64url');
}

/**
 * The CSRF token for a first-party form (logout, the chooser's guest form): an HMAC of this browser's
 * `byline_tx` binding cookie, which is created when missing. A page that never saw that HttpOnly cookie
 * cannot compute it, and it needs no server-side state. Put it in a hidden field named `csrf`.
 */
export function csrfToken(ctx: GatewayContext, req: Request, res: Response): string {
  return mac(ctx, ensureBinding(ctx, req, res));
}

/**
 * The request must come from one of Byline's own pages: `Sec-Fetch-Site` is `same-origin` (or `none`, a
 * user-typed navigation) when the browser sends it; otherwise `Origin` must be Byline's own origin.
 */
function assertSameOrigin(ctx: GatewayContext, req: Request): void {
  const site = req.headers['sec-fetch-site'];
  const ok =
    site !== undefined ? site === 'same-origin' || site === 'none' : req.headers.origin === ctx.issuer;
  if (!ok) throw new BylineError('forbidden', msg('error.formOrigin'));
}

/** Checks a form POST: same-origin, and a `csrf` field that matches the browser's binding cookie. */
export function verifyCsrf(ctx: GatewayContext, req: Request): void {
  assertSameOrigin(ctx, req);
  const given = param(req.body as Record<string, unknown> | undefined, csrfField, { max: 128 });
  const binding = requestBinding(ctx, req);
  const expected = binding ? mac(ctx, binding) : undefined;
  if (expected === undefined || given === undefined || !sameSecret(given, expected))
    throw new BylineError('forbidden', msg('error.formExpired'));
}
