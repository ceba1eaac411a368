import type { Request, RequestHandler } from 'express';
import type { SiteConfig } from '../../config/schema.js';
import { randomId } from '../../crypto/random-id.js';
import { BylineError } from '../../http/errors.js';
import { param, requiredParam } from '../../http/params.js';
import { ensureBinding } from '../browser/binding.js';
import { respondToSite } from '../browser/hand-off.js';
import { currentBrowserSession } from '../browser/session-cookie.js';
import { type GatewayContext, siteProviders } from '../gateway-context.js';
import { type AuthorizationRequest, loginTtlMs, type ResponseMode } from '../login/records.js';
import { joinLogin } from '../login/sign-in.js';
import { storeKeys } from '../login/store-keys.js';
import { renderChooser } from './chooser.js';
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
  if (!site) throw new BylineError('invalid_request', 'This site is not registered with Byline.');
  const redirectUri = requiredParam(query, 'redirect_uri');
  const mode = param(query, 'response_mode', { max: 32 });
  const responseMode = mode === 'query' || mode === 'web_message' ? mode : undefined;
  // Exact string comparison (RFC 9700 §4.1.3): no normalisation, no prefix or pattern matching.
  const registered =
    mode === 'web_message' ? site.origins.includes(redirectUri) : site.redirectUris.includes(redirectUri);
  if (!registered)
    throw new BylineError('invalid_request', 'The redirect_uri is not registered for this site.');
  return { site, redirectUri, responseMode };
}

type Prompt = 'none' | 'login' | 'select_account' | undefined;

function readPrompt(query: Request['query']): Prompt {
  const prompt = param(query, 'prompt', { max: 64 });
  if (prompt === undefined || prompt === 'none' || prompt === 'login' || prompt === 'select_account')
    return prompt;
  throw new BylineError('invalid_request', 'prompt must be none, login or select_account.');
}

/** Everything after the client is known; failures here go back to the site. */
function readRequest(
  ctx: GatewayContext,
  query: Request['query'],
  site: SiteConfig,
): { state: string; codeChallenge: string; nonce?: string; prompt: Prompt; idp?: string } {
  if (param(query, 'response_type', { max: 32 }) !== 'code')
    throw new BylineError('unsupported_response_type', 'response_type must be code.');
  const codeChallenge = param(query, 'code_challenge', { max: 128 });
  const method = param(query, 'code_challenge_method', { max: 16 });
  if (!codeChallenge)
    throw new BylineError('invalid_request', 'PKCE is required: send code_challenge with S256.');
  if (method !== 'S256') throw new BylineError('invalid_request', 'code_challenge_method must be S256.');
  if (!challengePattern.test(codeChallenge))
    throw new BylineError('invalid_request', 'code_challenge is malformed.');
  const nonce = param(query, 'nonce', { max: 255 });
  const prompt = readPrompt(query);
  const idp = param(query, 'idp', { max: 64 });
  if (idp !== undefined && !siteProviders(ctx, site).some((provider) => provider.id === idp))
    throw new BylineError('invalid_request', 'This site does not offer that identity provider.');
  return {
    state: requiredParam(query, 'state', { max: 512 }),
    codeChallenge,
    prompt,
    ...(nonce ? { nonce } : {}),
    ...(idp ? { idp } : {}),
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
        error_description: 'response_mode must be query or web_message.',
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
      codeChallenge: details.codeChallenge,
      ...(details.nonce ? { nonce: details.nonce } : {}),
      forceLogin: details.prompt === 'login' || details.prompt === 'select_account',
      binding: ensureBinding(ctx, req, res),
      expires: ctx.clock.now() + loginTtlMs,
    };

    if (!request.forceLogin) {
      const browser = await currentBrowserSession(ctx, req);
      const provider = browser?.session.identity.provider;
      const offered = provider !== undefined && siteProviders(ctx, site).some((p) => p.id === provider);
      if (browser && offered && (details.idp === undefined || details.idp === provider)) {
        respondToSite(ctx, res, request, { code: await joinLogin(ctx, request, browser) });
        return;
      }
    }
    if (details.prompt === 'none') {
      respondToSite(ctx, res, target, {
        error: 'login_required',
        error_description: 'The reader is not logged in.',
      });
      return;
    }
    const provider = details.idp ? ctx.providers.get(details.idp) : undefined;
    if (provider) {
      // Straight to the provider: the login transaction carries the request, nothing else is stored.
      await startUpstream(ctx, req, res, request, provider);
      return;
    }
    await ctx.store.set(storeKeys.authorizationRequest(request.id), request, loginTtlMs);
    await renderChooser(ctx, req, res, site, request);
  };
}
