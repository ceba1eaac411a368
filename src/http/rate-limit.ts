import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import proxyaddr from 'proxy-addr';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import type { Config } from '../config/schema.js';
import { msg, type Text } from '../i18n/message.js';
import { BylineError } from './errors.js';

/** One counter family: attempts per key within a fixed window. */
export interface RateLimit {
  /** Counts one attempt for `key`; resolves to the milliseconds to wait when over the limit, else 0. */
  consume(key: string): Promise<number>;
  /** The milliseconds to wait when `key` has already gone over the limit, else 0; counts nothing. */
  blocked(key: string): Promise<number>;
}

/** Every limiter Byline uses, built once per app from `config.rateLimits`. */
export interface RateLimits {
  /** Failed client authentications (and forged Facebook signed_requests), per client address. */
  clientAuthFailures: RateLimit;
  /** Failed client authentications per site, from all addresses together (`siteFailureFactor` × the rule). */
  clientAuthFailuresPerSite: RateLimit;
  /** Guest logins (`POST /guest`, `POST /auth/guest`), per client address. */
  guest: RateLimit;
  /** Logins started with a handle, each a lookup of a server the reader named, per client address. */
  handleLookups: RateLimit;
  /** Authorization requests (`GET /authorize`) and login starts (`GET /auth/:provider`), per client address. */
  authorize: RateLimit;
  /** Trips to a provider started from one pending authorization request, per request id. */
  loginStarts: RateLimit;
  /** Email verification codes mailed to guests, per client address. */
  guestCodes: RateLimit;
  /** Email verification codes mailed to one address (keyed by a hash of its mailbox), from anywhere. */
  guestCodesPerEmail: RateLimit;
  /** Email verification codes mailed for one site, to anyone. */
  guestMailsPerSite: RateLimit;
  /** Wrong codes typed for one address (keyed as guestCodesPerEmail), whichever code they were for. */
  guestWrongCodes: RateLimit;
}

/**
 * A reader may retry a provider or pick another from one chooser page a few times; more is a script
 * turning one request into many login transactions. Counted over a pending request's 10-minute life.
 */
export const loginStartsPerRequest = 5;

/**
 * A site's secret is attacked from many addresses at once only in a distributed guess; its counter is
 * this many times the per-address rule, so one address alone can never lock a site's backend out.
 */
const siteFailureFactor = 10;

export interface RateLimitBackend {
  /** Keep the counters in Redis (shared by every instance) instead of this process's memory. */
  redis?: Redis;
  /** The key prefix in Redis (the store's prefix); counters live under `<prefix>rl:<limiter>:`. */
  prefix?: string;
}

type Rule = { points: number; window: number };

/** A counter that cannot be read is not a pass: the request fails (503), as any store failure does. */
function unavailable(cause: unknown): BylineError {
  return new BylineError('temporarily_unavailable', msg('error.storeUnavailable'), {
    cause,
    headers: { 'Retry-After': '5' },
  });
}

function limiter(name: string, rule: Rule, backend: RateLimitBackend): RateLimit {
  const options = {
    points: rule.points,
    duration: Math.max(1, Math.ceil(rule.window / 1000)),
    keyPrefix: `${backend.prefix ?? 'byline:'}rl:${name}`,
  };
  const counter: RateLimiterAbstract = backend.redis
    ? new RateLimiterRedis({ ...options, storeClient: backend.redis })
    : new RateLimiterMemory(options);
  const wait = (res: RateLimiterRes) => Math.max(res.msBeforeNext, 1);
  return {
    async consume(key) {
      try {
        await counter.consume(key);
        return 0;
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return wait(rejection);
        throw unavailable(rejection);
      }
    },
    async blocked(key) {
      let res: RateLimiterRes | null;
      try {
        res = await counter.get(key);
      } catch (cause) {
        throw unavailable(cause);
      }
      return res && res.consumedPoints > rule.points ? wait(res) : 0;
    },
  };
}

/** The limiters for a config; in Redis when `backend.redis` is given, else in memory. */
export function createRateLimits(rules: Config['rateLimits'], backend: RateLimitBackend = {}): RateLimits {
  const { clientAuthFailures, guest, authorize, guestCodes, guestCodesPerEmail, handleLookups } = rules;
  const { guestMailsPerSite, guestWrongCodes } = rules;
  return {
    clientAuthFailures: limiter('client-auth', clientAuthFailures, backend),
    clientAuthFailuresPerSite: limiter(
      'client-auth-site',
      { ...clientAuthFailures, points: clientAuthFailures.points * siteFailureFactor },
      backend,
    ),
    guest: limiter('guest', guest, backend),
    handleLookups: limiter('handle-lookups', handleLookups, backend),
    authorize: limiter('authorize', authorize, backend),
    loginStarts: limiter('login-starts', { points: loginStartsPerRequest, window: 10 * 60_000 }, backend),
    guestCodes: limiter('guest-codes', guestCodes, backend),
    guestCodesPerEmail: limiter('guest-codes-email', guestCodesPerEmail, backend),
    guestMailsPerSite: limiter('guest-mails-site', guestMailsPerSite, backend),
    guestWrongCodes: limiter('guest-wrong-codes', guestWrongCodes, backend),
  };
}

/** The client address the limits count by: the socket's, unless `http.trustProxy` says otherwise. */
export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

/**
 * What every per-client limit counts by: the client's address, or for IPv6 its /64 (`addressNetwork`).
 */
export function clientNetwork(req: Request): string {
  return addressNetwork(clientAddress(req));
}

/**
 * `clientAddress` for a request that Express never saw: the address `req.ip` gives with Express's
 * `trust proxy` set to `hops` (`http.trustProxy`), found by the same library (proxy-addr).
 */
export function addressBehind(hops: number): (req: IncomingMessage) => string {
  const trusted = (_address: string, index: number) => index < hops;
  // undefined when the socket is gone (no address left to read), as clientAddress says then.
  return (req) => proxyaddr(req, trusted) ?? 'unknown';
}

/** The eight 16-bit groups of an IPv6 address (the URL parser writes any embedded IPv4 as two groups). */
function ipv6Groups(address: string): number[] {
  const canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const [head = '', tail] = canonical.split('::');
  const part = (text: string) => (text ? text.split(':').map((group) => Number.parseInt(group, 16)) : []);
  const [left, right] = [part(head), part(tail ?? '')];
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/**
 * `address`, or for IPv6 its /64 (`2001:db8:1:2::/64`, however the address is spelt): one subscriber
 * commonly gets a whole /64, so counting its addresses one by one would hand a single client 2^64
 * budgets. IPv4, also IPv4-mapped IPv6, is the IPv4 address; anything else (no address) stays as it is.
 */
export function addressNetwork(address: string): string {
  const bare = address.split('%')[0] ?? address;
  if (isIP(bare) !== 6) return address;
  const groups = ipv6Groups(bare);
  const [a = 0, b = 0, c = 0, d = 0, , , g = 0, h = 0] = groups;
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff)
    return [g >> 8, g & 255, h >> 8, h & 255].join('.');
  return `${[a, b, c, d].map((group) => group.toString(16)).join(':')}::/64`;
}

/** 429 `too_many_requests` with `Retry-After` in whole seconds. */
export function tooManyRequests(waitMs: number, message: Text): BylineError {
  return new BylineError('too_many_requests', message, {
    headers: { 'Retry-After': String(Math.max(1, Math.ceil(waitMs / 1000))) },
  });
}

/** Counts every request by client (`clientNetwork`) and refuses with 429 over the limit. */
export function limitByAddress(limit: RateLimit, message: Text): RequestHandler {
  return async (req, _res, next) => {
    const wait = await limit.consume(clientNetwork(req));
    if (wait > 0) throw tooManyRequests(wait, message);
    next();
  };
}

export interface FailureGuard {
  /** Before the handler: refuses an address that has failed too often. */
  check: RequestHandler;
  /** After the handler, as its error handler: counts the refusals. */
  count: ErrorRequestHandler;
}

/**
 * For callbacks that authenticate their caller by a signature (Facebook's `signed_request`): every
 * refused request (400, 401, 403) counts against `limit` per client address (an IPv6 client's /64, as
 * the client-authentication guard counts), and an address over the limit gets 429 before any
 * verification.
 */
export function failureGuard(limit: RateLimit, message: string): FailureGuard {
  return {
    async check(req, _res, next) {
      const wait = await limit.blocked(clientNetwork(req));
      if (wait > 0) throw tooManyRequests(wait, message);
      next();
    },
    async count(err, req, _res, next) {
      // A refused signature or request counts; an unknown app id (404) proves nothing either way.
      const status = err instanceof BylineError ? err.status : 0;
      if (status !== 400 && status !== 401 && status !== 403) return next(err);
      const wait = await limit.consume(clientNetwork(req));
      next(wait > 0 ? tooManyRequests(wait, message) : err);
    },
  };
}
