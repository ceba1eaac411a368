import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { randomId } from '../../crypto/random-id.js';
import { readCookie, setCookie } from '../../http/cookies.js';
import type { GatewayContext } from '../gateway-context.js';

const bindingCookie = 'byline_tx';

function hash(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/**
 * The browser binding of login transactions: one `byline_tx` cookie per browser, whose hash every pending
 * login records, so a transaction started in one browser cannot be finished in another. Created when
 * missing; the same value serves every tab, and each transaction is keyed by its own state.
 */
export function ensureBinding(ctx: GatewayContext, req: Request, res: Response): string {
  // Once per response: a second call (say, a CSRF token for the same page) must not mint a second cookie.
  const known = res.locals.bylineBinding as string | undefined;
  if (known) return known;
  let value = readCookie(req, ctx.cookies.name(bindingCookie));
  if (!value || !/^[A-Za-z0-9_-]{43}$/.test(value)) {
    value = randomId();
    setCookie(res, ctx.cookies, bindingCookie, value);
  }
  res.locals.bylineBinding = hash(value);
  return res.locals.bylineBinding as string;
}

/** The binding of the request's cookie, or undefined when there is none. */
export function requestBinding(ctx: GatewayContext, req: Request): string | undefined {
  const value = readCookie(req, ctx.cookies.name(bindingCookie));
  return value ? hash(value) : undefined;
}
