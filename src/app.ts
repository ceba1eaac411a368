import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import express, { type Express, type Router } from 'express';
import pino, { type Logger } from 'pino';
import { type Clock, systemClock } from './clock.js';
import { packageRoot } from './config/load.js';
import type { Config } from './config/schema.js';
import { demoRouter } from './demo/router.js';
import { clientAuthGuard } from './http/client-auth-guard.js';
import { cookiePolicy } from './http/cookies.js';
import { siteCors } from './http/cors.js';
import { errorHandler, htmlErrors, notFound } from './http/errors.js';
import { formBody } from './http/form-body.js';
import { createGuardedFetch, type Resolve } from './http/guarded-fetch.js';
import { readinessHandler } from './http/health.js';
import { logAnswer, requestLogger } from './http/logging.js';
import {
  answerTiming,
  createMetrics,
  httpMetrics,
  type Metrics,
  metricsHandler,
  upstreamEndpointLabel,
} from './http/metrics.js';
import { addressBehind, createRateLimits, limitByAddress, type RateLimits } from './http/rate-limit.js';
import { apiSecurityHeaders, crossOriginReadable, openerAllowed, securityHeaders } from './http/security.js';
import { sendJson } from './http/send.js';
import { createUpstreamFetch } from './http/upstream-fetch.js';
import { html, renderPage, translator } from './http/views.js';
import { msg } from './i18n/message.js';
import { smtpMailer } from './mail/mailer.js';
import { backchannelLogout } from './oauth/backchannel-logout.js';
import { authorizeHandler } from './oauth/endpoints/authorize.js';
import { consentHandler } from './oauth/endpoints/consent.js';
import { providerCallbacksRouter } from './oauth/endpoints/data-deletion.js';
import { discoveryHandler, jwksHandler } from './oauth/endpoints/discovery.js';
import { guestHandlers } from './oauth/endpoints/guest.js';
import { guestLinkConfirmHandler, guestLinkPageHandler } from './oauth/endpoints/guest-link.js';
import { guestCodeHandler } from './oauth/endpoints/guest-verification.js';
import { introspectHandler } from './oauth/endpoints/introspect.js';
import { logoutHandler, logoutPageHandler } from './oauth/endpoints/logout.js';
import { providerCallbackHandler, providerStartHandler } from './oauth/endpoints/provider-login.js';
import { revokeHandler } from './oauth/endpoints/revoke.js';
import { type NodeHandler, tokenPath, tokenRoute } from './oauth/endpoints/token.js';
import { userinfoHandler } from './oauth/endpoints/userinfo.js';
import { widgetConfigHandler, widgetScriptHandler } from './oauth/endpoints/widget.js';
import type { GatewayContext } from './oauth/gateway-context.js';
import type { ProviderContext } from './providers/provider-context.js';
import { createProviders } from './providers/registry.js';
import { instrumentStore } from './store/instrumented.js';
import { MemoryStore } from './store/memory.js';
import type { Store } from './store/store.js';
import type { KeyStore } from './tokens/keystore.js';

export interface AppDependencies {
  /** The signing keys, opened with `KeyStore.open(config.dataDir, …)`. */
  keys: KeyStore;
  /** Defaults to a new MemoryStore. */
  store?: Store;
  clock?: Clock;
  /** Outbound HTTP for provider calls; defaults to `createUpstreamFetch()` (undici). */
  fetch?: typeof fetch;
  /** DNS for hosts that readers name (the guarded fetch's); defaults to `dns.lookup`. Tests name their own. */
  resolve?: Resolve;
  logger?: Logger;
  /** Defaults to a fresh registry (with the default process metrics). */
  metrics?: Metrics;
  /** Ready-made limiters (tests); defaults to ones built from `config.rateLimits`. */
  rateLimits?: RateLimits;
}

export interface BylineApp extends Express {
  locals: Express['locals'] & {
    gateway: GatewayContext;
    /** POST /token on Node's request and response, for the server to call before Express (token.ts). */
    tokenRoute: NodeHandler;
  };
}

/**
 * The server's request listener for `app`: POST /token straight to its route (the URL exactly; anything
 * else, such as a query string, takes Express's way to the same route), every other request to Express.
 */
export function handleRequest(app: BylineApp, req: IncomingMessage, res: ServerResponse): void {
  if (req.method === 'POST' && req.url === tokenPath) app.locals.tokenRoute(req, res);
  else app(req, res);
}

/** Builds the Express app for a validated config. It never listens: server.ts and tests do. */
export function createApp(config: Config, deps: AppDependencies): BylineApp {
  if (!deps?.keys) throw new TypeError('createApp needs deps.keys (a KeyStore)');
  const clock = deps.clock ?? systemClock;
  const log = deps.logger ?? pino({ level: config.log.level });
  const metrics = deps.metrics ?? createMetrics();
  const store = instrumentStore(deps.store ?? new MemoryStore({ clock }), metrics.storeErrors);
  // Rate counters live next to the rest of the state: in the RedisStore's Redis, under its prefix.
  const redisStore = deps.store?.redis;
  const redis = redisStore?.client;
  const prefix = redisStore?.prefix ?? (config.store.kind === 'redis' ? config.store.prefix : undefined);
  const rateLimits =
    deps.rateLimits ??
    createRateLimits(config.rateLimits, { ...(redis ? { redis } : {}), ...(prefix ? { prefix } : {}) });
  const issuer = config.publicUrl;
  const app = express() as unknown as BylineApp;
  app.disable('x-powered-by');
  // See http/send.ts: the few cacheable bodies carry an ETag computed once.
  app.set('etag', false);
  app.set('trust proxy', config.http.trustProxy);

  const mounted: Router[] = [];
  const providerContext: ProviderContext = {
    publicUrl: issuer,
    fetch: deps.fetch ?? createUpstreamFetch(),
    upstreamTimeout: config.http.upstreamTimeout,
    clockSkew: config.tokens.clockSkew,
    clock,
    callbackUrl: (id) => `${issuer}/auth/${id}/callback`,
    mount: (router) => mounted.push(router),
    timeUpstream: (provider, url) =>
      metrics.upstreamDuration.startTimer({ provider, endpoint: upstreamEndpointLabel(url) }),
    iconUrl: (icon, fallback) => new URL(icon ?? fallback, `${issuer}/`).href,
    store,
    dataDir: config.dataDir,
    allowPrivateUpstreams: config.http.allowPrivateUpstreams,
    guardedFetch: createGuardedFetch({
      timeoutMs: config.http.upstreamTimeout,
      allowPrivate: config.http.allowPrivateUpstreams,
      userAgent: `Byline (+${issuer})`,
      ...(deps.resolve ? { resolve: deps.resolve } : {}),
    }),
  };
  const sites = new Map(Object.values(config.sites).map((site) => [site.id, site]));
  const ctx: GatewayContext = {
    config,
    issuer,
    sites,
    providers: createProviders(config.providers, providerContext),
    store,
    keys: deps.keys,
    clock,
    cookies: cookiePolicy(issuer),
    log,
    metrics,
    rateLimits,
    ...(config.smtp ? { mailer: smtpMailer(config.smtp) } : {}),
    logoutNotifier: backchannelLogout({
      config,
      issuer,
      sites,
      keys: deps.keys,
      clock,
      log,
      metrics,
      fetch: providerContext.fetch,
    }),
  };
  app.locals.gateway = ctx;
  const siteOrigins = new Set(Object.values(config.sites).flatMap((site) => site.origins));
  const cors = siteCors(siteOrigins);
  const form = formBody({ limit: 16 * 1024, parameterLimit: 50 });
  const guest = guestHandlers(ctx);
  // Failed client authentications count per address and per (known) site; see http/rate-limit.ts.
  const clientAuth = clientAuthGuard(rateLimits, (id) => ctx.sites.has(id));

  const https = issuer.startsWith('https:');
  // POST /token, what site backends call most, is one handler that writes each answer's headers at once;
  // the server calls it before Express, and Express routes it first.
  const timeAnswer = answerTiming(metrics);
  const token = tokenRoute(ctx, {
    headers: apiSecurityHeaders({ https }),
    origins: siteOrigins,
    readForm: form,
    guard: clientAuth,
    address: addressBehind(config.http.trustProxy),
    record(req, answer) {
      logAnswer(log, req, answer);
      if (!answer.aborted) timeAnswer(req, tokenPath, answer.status, answer.ms);
    },
  });
  app.locals.tokenRoute = token;
  app.post(tokenPath, (req, res) => token(req, res));
  // What every other response gets first (log line, timing, security headers), in one middleware: a
  // router layer per concern cost more than the work.
  const logRequest = requestLogger(log);
  const time = httpMetrics(metrics);
  const pageHeaders = securityHeaders({ https });
  app.use((req, res, next) => {
    logRequest(req, res);
    time(req, res);
    pageHeaders(res);
    next();
  });
  app.get('/userinfo', cors, userinfoHandler(ctx));
  app.post('/userinfo', cors, form, userinfoHandler(ctx));
  app.get('/.well-known/jwks.json', crossOriginReadable, jwksHandler(ctx));
  app.options([tokenPath, '/userinfo', '/revoke', '/guest', '/guest/code'], cors);
  app.post('/guest', cors, form, express.json({ limit: '16kb' }), guest.widget);
  app.post('/guest/code', cors, form, express.json({ limit: '16kb' }), guestCodeHandler(ctx));
  app.post('/revoke', cors, form, clientAuth.check, revokeHandler(ctx), clientAuth.count);
  app.post('/introspect', form, clientAuth.check, introspectHandler(ctx), clientAuth.count);
  app.get('/healthz', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    sendJson(res, { status: 'ok' });
  });
  app.get('/readyz', readinessHandler({ store: () => ctx.store.ping(), keys: () => ctx.keys.signingKey() }));
  app.get('/metrics', metricsHandler(metrics, config.metrics.token, rateLimits.clientAuthFailures));
  app.use(
    '/static',
    crossOriginReadable,
    express.static(join(packageRoot, 'static'), { maxAge: '1d', index: false }),
  );
  app.get('/.well-known/openid-configuration', crossOriginReadable, discoveryHandler(ctx));

  app.get('/widget.js', widgetScriptHandler());
  app.get('/widget/config', widgetConfigHandler(ctx));

  app.get(
    '/authorize',
    htmlErrors,
    openerAllowed,
    limitByAddress(rateLimits.authorize, msg('error.tooManyLogins')),
    authorizeHandler(ctx),
  );
  app.post('/auth/guest', htmlErrors, openerAllowed, form, guest.chooser);
  // The page a mailed code's link opens: its GET only reads (mail scanners follow links).
  app.get('/guest/verify', htmlErrors, guestLinkPageHandler(ctx));
  app.post('/guest/verify', htmlErrors, form, guestLinkConfirmHandler(ctx));
  app.post('/auth/consent', htmlErrors, openerAllowed, form, consentHandler(ctx));
  app.get(
    '/auth/:provider',
    htmlErrors,
    openerAllowed,
    limitByAddress(rateLimits.authorize, msg('error.tooManyLogins')),
    providerStartHandler(ctx),
  );
  app.get('/auth/:provider/callback', htmlErrors, openerAllowed, providerCallbackHandler(ctx));
  // Providers answering with response_mode=form_post (Apple) post their answer here.
  app.post('/auth/:provider/callback', htmlErrors, openerAllowed, form, providerCallbackHandler(ctx));
  app.use('/providers', providerCallbacksRouter(ctx));
  for (const router of mounted) app.use(router);

  app.get('/logout', htmlErrors, logoutPageHandler(ctx));
  app.post('/logout', htmlErrors, form, logoutHandler(ctx));

  app.get('/', htmlErrors, (_req, res) => {
    res.type('html').send(
      renderPage(
        'landing',
        {
          title: 'Byline',
          issuer: html`<code>${issuer}</code>`,
          jwks: html`<a href="/.well-known/jwks.json"><code>/.well-known/jwks.json</code></a>`,
          discovery: html`<a href="/.well-known/openid-configuration"><code>/.well-known/openid-configuration</code></a>`,
          demoLink: config.demo.enabled
            ? html`<p><a href="/demo">${translator(res)(msg('landing.demo'))}</a></p>`
            : '',
        },
        res,
      ),
    );
  });
  const demoSite = config.sites.demo;
  if (config.demo.enabled && demoSite)
    app.use('/demo', htmlErrors, demoRouter({ issuer, site: demoSite, fetch: providerContext.fetch }));

  app.use(htmlErrors, notFound);
  app.use(errorHandler(log, metrics.tokenErrors));
  return app;
}
