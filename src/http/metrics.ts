import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { sameSecret } from '../crypto/same-secret.js';
import { BylineError } from './errors.js';
import { failureGuard, type RateLimit } from './rate-limit.js';

/** Every metric Byline exports, on a registry of its own (so tests and several apps never collide). */
export interface Metrics {
  registry: Registry;
  logins: Counter<'provider' | 'site' | 'outcome'>;
  tokensIssued: Counter<'grant' | 'site'>;
  tokenErrors: Counter<'endpoint' | 'error'>;
  backchannelLogouts: Counter<'site' | 'outcome'>;
  upstreamDuration: Histogram<'provider' | 'endpoint'>;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  storeErrors: Counter<'operation'>;
  guestCodeMails: Counter<'site' | 'outcome'>;
}

export type LoginOutcome = 'success' | 'denied' | 'error';

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    logins: new Counter({
      name: 'byline_logins_total',
      help: 'Completed logins by provider, site and outcome (success, denied, error).',
      labelNames: ['provider', 'site', 'outcome'],
      registers,
    }),
    tokensIssued: new Counter({
      name: 'byline_tokens_issued_total',
      help: 'Token responses issued, by grant (authorization_code, refresh_token, guest) and site.',
      labelNames: ['grant', 'site'],
      registers,
    }),
    tokenErrors: new Counter({
      name: 'byline_token_errors_total',
      help: 'OAuth error responses by endpoint and error code.',
      labelNames: ['endpoint', 'error'],
      registers,
    }),
    backchannelLogouts: new Counter({
      name: 'byline_backchannel_logouts_total',
      help: 'Back-channel logout deliveries by site and outcome (delivered; retried: an attempt failed and another follows; refused: the site answered 4xx; failed: every attempt failed).',
      labelNames: ['site', 'outcome'],
      registers,
    }),
    upstreamDuration: new Histogram({
      name: 'byline_upstream_request_duration_seconds',
      help: 'Duration of calls to identity providers, by provider and endpoint.',
      labelNames: ['provider', 'endpoint'],
      buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    httpDuration: new Histogram({
      name: 'byline_http_request_duration_seconds',
      help: 'Duration of HTTP requests by method, route pattern and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    storeErrors: new Counter({
      name: 'byline_store_errors_total',
      help: 'Failed store operations, by operation.',
      labelNames: ['operation'],
      registers,
    }),
    guestCodeMails: new Counter({
      name: 'byline_guest_code_mails_total',
      help: "Guests' code mails by site and outcome (sent; limited: a rate limit refused to send it; refused: the mail server refused it; unreachable: the mail server did not answer).",
      labelNames: ['site', 'outcome'],
      registers,
    }),
  };
}

/**
 * The protocol step of a provider URL's path, first match wins. Paths are the providers' own: OpenID
 * and RFC 8414 discovery (any issuer path), key sets (Apple `/auth/keys`, Google `/oauth2/v3/certs`,
 * Microsoft and GitLab `…/discovery/…/keys`), token endpoints (LinkedIn `/oauth/v2/accessToken`,
 * Facebook `/oauth/access_token`), profiles (GitHub `/user`, Discord `/users/@me`, X `/2/users/me`,
 * WordPress.com and Facebook `/me`, Mastodon `verify_credentials`, an atproto profile record), GitHub's
 * `/user/emails`, Mastodon's app registration, and atproto's handle and DID resolution.
 */
const endpointLabels: [RegExp, string][] = [
  [/\/\.well-known\/(openid-configuration|oauth-authorization-server|oauth-protected-resource)/, 'discovery'],
  [/jwks|\/certs$|\/keys$/, 'jwks'],
  [/\/par$/, 'par'],
  [/\/revoke$/, 'revocation'],
  [/token/i, 'token'],
  [/\/user\/emails$/, 'emails'],
  [/userinfo|\/me$|\/users\/@me$|\/user$|\/verify_credentials$|\/com\.atproto\.repo\.getRecord$/, 'userinfo'],
  [/^\/api\/v1\/apps$/, 'registration'],
  [/\/\.well-known\/atproto-did$|\/com\.atproto\.identity\.resolveHandle$/, 'handle'],
  [/^\/did:|\/\.well-known\/did\.json$/, 'did'],
];

/** A bounded label for a provider URL: which protocol step it is, never the URL itself. */
export function upstreamEndpointLabel(url: string): string {
  const path = url.replace(/^[a-z]+:\/\/[^/]+/i, '').split(/[?#]/)[0] ?? '';
  return endpointLabels.find(([pattern]) => pattern.test(path))?.[1] ?? 'other';
}

/** A request as Express routes it (`route`, `baseUrl`). */
type RoutedRequest = IncomingMessage & { route?: { path?: unknown }; baseUrl?: string };

/** Times one answer under its route pattern (never the raw path, which would explode the label set). */
export function answerTiming(
  metrics: Metrics,
): (req: IncomingMessage, route: string, status: number, ms: number) => void {
  return (req, route, status, ms) => {
    metrics.httpDuration.observe({ method: req.method, route, status: String(status) }, ms / 1000);
  };
}

/**
 * Times every request Express routes, under its route pattern (never the raw path, which could carry
 * codes); unmatched requests count as `unmatched`.
 */
export function httpMetrics(metrics: Metrics): (req: RoutedRequest, res: ServerResponse) => void {
  const time = answerTiming(metrics);
  const routeOf = (req: RoutedRequest) => {
    const pattern = req.route?.path;
    return typeof pattern === 'string' ? `${req.baseUrl ?? ''}${pattern}` : req.baseUrl || 'unmatched';
  };
  return (req, res) => {
    const started = performance.now();
    res.once('finish', () => time(req, routeOf(req), res.statusCode, performance.now() - started));
  };
}

/** The token of an `Authorization: Bearer <token>` header (the scheme in any case), else undefined. */
function bearerToken(header: string | undefined): string | undefined {
  const match = /^bearer +(\S+) *$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * `GET /metrics`: Prometheus text, behind a bearer token when `metrics.token` is set (the config schema
 * requires 16 characters or more). The token is compared in constant time, and every refused request
 * counts against `failures` (`rateLimits.clientAuthFailures`) per client address, so a guessing client
 * soon gets 429 before any comparison. Mount the handlers in order: `app.get('/metrics', handlers)`.
 */
export function metricsHandler(
  metrics: Metrics,
  token: string | undefined,
  failures: RateLimit,
): Array<RequestHandler | ErrorRequestHandler> {
  const serve: RequestHandler = async (_req, res) => {
    res
      .set('Cache-Control', 'no-store')
      .type(metrics.registry.contentType)
      .send(await metrics.registry.metrics());
  };
  if (token === undefined) return [serve];
  const guard = failureGuard(
    failures,
    'Too many refused metrics requests from this address. Try again later.',
  );
  const authorize: RequestHandler = (req, _res, next) => {
    const presented = bearerToken(req.headers.authorization);
    if (presented === undefined || !sameSecret(presented, token))
      throw new BylineError('invalid_token', 'A metrics token is required.', {
        headers: { 'WWW-Authenticate': 'Bearer realm="byline-metrics"' },
      });
    next();
  };
  return [guard.check, authorize, serve, guard.count];
}
