import type { ErrorRequestHandler, RequestHandler } from 'express';
import { claimedClient } from './basic-auth.js';
import { BylineError } from './errors.js';
import type { FormRequest } from './form-body.js';
import { addressNetwork, clientAddress, type RateLimits, tooManyRequests } from './rate-limit.js';

const failureMessage = 'Too many failed client authentications. Try again later.';

export interface ClientAuthGuard {
  /** Refuses (429) the client's `address`, or a secret for a site, that has failed too often. */
  refuseIfBlocked(req: FormRequest, address: string): Promise<void>;
  /**
   * Counts an `invalid_client` refusal against both counters and answers the error to send: 429 once
   * over the limit, else `err` itself (any other error passes untouched and uncounted).
   */
  countFailure(err: unknown, req: FormRequest, address: string): Promise<unknown>;
  /** `refuseIfBlocked` before an Express handler. */
  check: RequestHandler;
  /** `countFailure` after an Express handler, as its error handler. */
  count: ErrorRequestHandler;
}

/**
 * Brute-force protection for client authentication. Failures (`invalid_client`) count per client
 * address (an IPv6 client's /64: `addressNetwork`) and per site. An address over its limit gets 429 for
 * everything at these endpoints until the window passes; a site over its (larger) limit gets 429 for
 * requests that present a secret for it, so guessing a secret from many addresses stops while PKCE-only
 * readers keep working. Only known site ids get a counter, so made-up client ids cannot fill the
 * limiter's memory.
 */
export function clientAuthGuard(limits: RateLimits, knownSite: (id: string) => boolean): ClientAuthGuard {
  const siteKey = (req: FormRequest) => {
    const { id, withSecret } = claimedClient(req);
    return { id: id !== undefined && knownSite(id) ? id : undefined, withSecret };
  };
  const refuseIfBlocked = async (req: FormRequest, address: string) => {
    const { id, withSecret } = siteKey(req);
    // Both counters at once: one wait for Redis, one promise turn in memory.
    const [addressWait, siteWait] = await Promise.all([
      limits.clientAuthFailures.blocked(addressNetwork(address)),
      id !== undefined && withSecret ? limits.clientAuthFailuresPerSite.blocked(id) : 0,
    ]);
    const wait = Math.max(addressWait, siteWait);
    if (wait > 0) throw tooManyRequests(wait, failureMessage);
  };
  const countFailure = async (err: unknown, req: FormRequest, address: string) => {
    if (!(err instanceof BylineError) || err.code !== 'invalid_client') return err;
    const { id } = siteKey(req);
    const [addressWait, siteWait] = await Promise.all([
      limits.clientAuthFailures.consume(addressNetwork(address)),
      id === undefined ? 0 : limits.clientAuthFailuresPerSite.consume(id),
    ]);
    const wait = Math.max(addressWait, siteWait);
    return wait > 0 ? tooManyRequests(wait, failureMessage) : err;
  };
  return {
    refuseIfBlocked,
    countFailure,
    async check(req, _res, next) {
      await refuseIfBlocked(req, clientAddress(req));
      next();
    },
    async count(err, req, _res, next) {
      next(await countFailure(err, req, clientAddress(req)));
    },
  };
}
