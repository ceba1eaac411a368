import type { Request, RequestHandler } from 'express';
import type { SiteConfig } from '../../config/schema.js';
import { randomId } from '../../crypto/random-id.js';
import { BylineError } from '../../http/errors.js';
import { param, requiredParam } from '../../http/params.js';
import { msg } from '../../i18n/message.js';
import type { Identity } from '../../identity.js';
import { supportedScopes } from '../../tokens/claims.js';
import { ensureBinding } from '../browser/binding.js';
import { respondToSite } from '../browser/hand-off.js';
import { currentBrowserSession } from '../browser/session-cookie.js';
import { type GatewayContext, siteProviders } from '../gateway-context.js';
import { hasConsent } from '../login/consent.js';
import { type AuthorizationRequest, loginTtlMs, type ResponseMode } from '../login/records.js';
import { recentEnough } from '../login/sessions.js';
import { joinLogin } from '../login/sign-in.js';
import { storeKeys } from '../login/store-keys.js';
import { renderChooser } from './chooser.js';
import { askConsent } from './consent.js';
import { startUpstream } from './provider-login.js';

const challengePattern = /^[A-Za-z0-9_-]{43}$/;

/**
 * Checks `client_id` and `redirect_uri` first: until both are known good, nothing may be sent to the
 * `redirect_uri`, so these failures are error pages.
 */
function identifyClient(
  ctx: GatewayContext,
  query: Request['query'],
): { site: SiteConfig; redirectUri: string; responseMode: ResponseMode | undefined } {
  const clientId = requiredParam(query, 'client_id', { max: 64 });
  const site = ctx.sites.get(clientId);
  if (!site) throw new BylineError('invalid_request', msg('error.siteNotRegistered'));
  const redirectUri = requiredParam(query, 'redirect_uri');
  const mode = param(query, 'response_mode', { max: 32 });
  const responseMode = mode === 'query' || mode === 'web_message' || mode === 'form_post' ? mode : undefined;
  // Exact string comparison (RFC 9700 §4.1.3): no normalisation, no prefix or pattern matching.
  const registered =
    mode === 'web_message' ? site.origins.includes(redirectUri) : site.redirectUris.includes(redirectUri);
  if (!registered) throw new BylineError('invalid_request', msg('error.redirectNotRegistered'));
  return { site, redirectUri, responseMode };
}

/**
 * A verified guest's browser login (guest.ts starts one only where `rememberVerified` allows) serves a
 * site that verifies guests and remembers them; a guest who only typed an address never has one.
 */
function remembersVerifiedGuest(site: SiteConfig, identity: Identity): boolean {
  const { enabled, verifyEmail, rememberVerified } = site.guests;
  return (
    identity.provider === 'guest' &&
    identity.emailVerified &&
    enabled &&
    verifyEmail !== 'off' &&
    rememberVerified
  );
}

const promptValues = ['none', 'login', 'select_account', 'consent'] as const;
type Prompt = ReadonlySet<(typeof promptValues)[number]>;

/** `prompt` (OpenID Connect Core §3.1.2.1): space-separated values; `none` only on its own. */
function readPrompt(query: Request['query']): Prompt {
  const values = (param(query, 'prompt', { max: 64 }) ?? '').split(' ').filter(Boolean);
  if (values.some((value) => !(promptValues as readonly string[]).includes(value)))
    throw new BylineError('invalid_request', 'prompt must be none, login, select_account or consent.');
  const prompt = new Set(values) as Prompt;
  if (prompt.has('none') && prompt.size > 1)
    throw new BylineError('invalid_request', 'prompt=none cannot be combined with another value.');
  return prompt;
}

/** `scope` (space-separated, RFC 6749 §3.3): undefined when absent; an unknown scope is refused. */
function readScope(query: Request['query']): string[] | undefined {
  const value = param(query, 'scope', { max: 256 });
  if (value === undefined) return undefined;
  const scope = [...new Set(value.split(' ').filter(Boolean))];
  const unknown = scope.find((name) => !(supportedScopes as readonly string[]).includes(name));
  if (unknown !== undefined)
    throw new BylineError(
      'invalid_scope',
      `Unknown scope "${unknown}": Byline grants ${supportedScopes.join(', ')}.`,
    );
  return scope;
}

/** What the query says beyond the client: the request's own fields, and how to reach a login. */
type RequestDetails = Pick<
  AuthorizationRequest,
  'state' | 'codeChallenge' | 'nonce' | 'scope' | 'maxAge' | 'uiLocales'
> & { prompt: Prompt; idp?: string; loginHint?: string };

/** Everything after the client is known; failures here go back to the site. */
function readRequest(ctx: GatewayContext, query: Request['query'], site: SiteConfig): RequestDetails {
  if (param(query, 'request', { max: 8192 }) !== undefined)
    throw new BylineError('request_not_supported', 'Request objects (request) are not supported.');
  if (param(query, 'request_uri', { max: 2048 }) !== undefined)
    throw new BylineError('request_uri_not_supported', 'request_uri is not supported.');
  if (param(query, 'claims', { max: 4096 }) !== undefined)
    throw new BylineError(
      'invalid_request',
      'The claims parameter is not supported: ask for scopes instead.',
    );
  if (param(query, 'response_type', { max: 32 }) !== 'code')
    throw new BylineError('unsupported_response_type', 'response_type must be code.');
  const codeChallenge = param(query, 'code_challenge', { max: 128 });
  const method = param(query, 'code_challenge_method', { max: 16 });
  // A confidential site may opt out of PKCE (its secret then guards the code); nobody else may.
  if (codeChallenge !== undefined || site.pkce === 'required') {
    if (!codeChallenge)
      throw new BylineError('invalid_request', 'PKCE is required: send code_challenge with S256.');
    if (method !== 'S256') throw new BylineError('invalid_request', 'code_challenge_method must be S256.');
    if (!challengePattern.test(codeChallenge))
      throw new BylineError('invalid_request', 'code_challenge is malformed.');
  }
  // With PKCE the challenge binds the response to this request (OAuth 2.1, RFC 9700 §2.1.1).
  const state = param(query, 'state', { max: 512 });
  if (!state && !codeChallenge)
    throw new BylineError('invalid_request', 'The state parameter is required without PKCE.');
  const nonce = param(query, 'nonce', { max: 255 });
  const maxAgeText = param(query, 'max_age', { max: 10 });
  if (maxAgeText !== undefined && !/^\d{1,9}$/.test(maxAgeText))
    throw new BylineError('invalid_request', 'max_age must be a number of seconds.');
  const uiLocales = param(query, 'ui_locales', { max: 128 });
  const prompt = readPrompt(query);
  const scope = readScope(query);
  const idp = param(query, 'idp', { max: 64 });
  // Who the reader is at a handle-based provider (`@alice@example.social`), read with idp only.
  const loginHint = param(query, 'login_hint', { max: 512 });
  if (idp !== undefined && !siteProviders(ctx, site).some((provider) => provider.id === idp))
    throw new BylineError('invalid_request', 'This site does not offer that identity provider.');
  return {
    state: state ?? '',
    prompt,
    ...(codeChallenge ? { codeChallenge } : {}),
    ...(nonce ? { nonce } : {}),
    ...(scope ? { scope } : {}),
    ...(maxAgeText !== undefined ? { maxAge: Number(maxAgeText) } : {}),
    ...(uiLocales ? { uiLocales } : {}),
    ...(idp ? { idp } : {}),
    ...(loginHint ? { loginHint } : {}),
  };
}

export function authorizeHandler(ctx: GatewayContext): RequestHandler {
  return async (req, res) => {
    const { site, redirectUri, responseMode } = identifyClient(ctx, req.query);
    const mode = responseMode ?? 'query';
    const state = param(req.query, 'state', { max: 512 }) ?? '';
    const target = { site: site.id, redirectUri, responseMode: mode, state };
    if (param(req.query, 'response_mode', { max: 32 }) !== undefined && !responseMode) {
      respondToSite(ctx, res, target, {
        error: 'invalid_request',
        error_description: 'response_mode must be query, web_message or form_post.',
      });
      return;
    }
    let details: ReturnType<typeof readRequest>;
    try {
      details = readRequest(ctx, req.query, site);
    } catch (error) {
      if (!(error instanceof BylineError)) throw error;
      respondToSite(ctx, res, target, { error: error.code, error_description: error.message });
      return;
    }
    const request: AuthorizationRequest = {
      id: randomId(18),
      site: site.id,
      redirectUri,
      responseMode: mode,
      state: details.state,
      ...(details.codeChallenge ? { codeChallenge: details.codeChallenge } : {}),
      ...(details.nonce ? { nonce: details.nonce } : {}),
      ...(details.scope ? { scope: details.scope } : {}),
      ...(details.maxAge !== undefined ? { maxAge: details.maxAge } : {}),
      ...(details.uiLocales ? { uiLocales: details.uiLocales } : {}),
      forceLogin: details.prompt.has('login') || details.prompt.has('select_account'),
      binding: ensureBinding(ctx, req, res),
      expires: ctx.clock.now() + loginTtlMs,
    };

    // prompt=consent: the question is asked even when the reader chose this site before.
    if (details.prompt.has('consent')) request.askConsent = true;
    if (!request.forceLogin) {
      const browser = await currentBrowserSession(ctx, req);
      const provider = browser?.session.identity.provider;
      const offered =
        provider !== undefined &&
        (siteProviders(ctx, site).some((p) => p.id === provider) ||
          (browser !== undefined && remembersVerifiedGuest(site, browser.session.identity)));
      const usable = browser && offered && (details.idp === undefined || details.idp === provider);
      if (usable && recentEnough(ctx, browser, details.maxAge)) {
        // A site learns who the reader is only once they chose it (or the admin trusts it): never silently.
        const identity = browser.session.identity;
        if (!request.askConsent && (await hasConsent(ctx, site, identity))) {
          respondToSite(ctx, res, request, { code: await joinLogin(ctx, request, browser) });
          return;
        }
        if (details.prompt.has('none')) {
          respondToSite(ctx, res, target, {
            error: 'consent_required',
            error_description: 'The reader has not chosen to continue to this site yet.',
          });
          return;
        }
        await askConsent(ctx, req, res, site, request, { id: browser.id, identity });
        return;
      }
    }
    if (details.prompt.has('none')) {
      respondToSite(ctx, res, target, {
        error: 'login_required',
        error_description: 'The reader is not logged in, or not recently enough for max_age.',
      });
      return;
    }
    // A login older than max_age is done again at the provider, not reused there either.
    if (details.maxAge !== undefined) request.forceLogin = true;
    const provider = details.idp ? ctx.providers.get(details.idp) : undefined;
    const handle = provider?.handle ? details.loginHint : undefined;
    if (provider && (!provider.handle || handle !== undefined)) {
      // Straight to the provider: the login transaction carries the request, nothing else is stored.
      await startUpstream(ctx, req, res, request, provider, handle !== undefined ? { handle } : {});
      return;
    }
    await ctx.store.set(storeKeys.authorizationRequest(request.id), request, loginTtlMs);
    // A handle provider without a handle (the widget's button for it): the chooser, at its input.
    await renderChooser(
      ctx,
      req,
      res,
      site,
      request,
      undefined,
      provider ? { provider: provider.id } : undefined,
    );
  };
}
