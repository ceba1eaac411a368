import type { Request, RequestHandler, Response } from 'express';
import type { SiteConfig } from '../../config/schema.js';
import { BylineError } from '../../http/errors.js';
import { param, requiredParam } from '../../http/params.js';
import { type Html, html, renderPage } from '../../http/views.js';
import { ensureBinding } from '../browser/binding.js';
import { continueSession } from '../login/sign-in.js';
import { type GatewayContext, siteProviders } from '../gateway-context.js';
import { csrfField, csrfToken } from '../browser/csrf.js';
import { type AuthorizationRequest, keys, loginTtlMs, type ResponseMode, randomId } from '../login/records.js';
import { respondToSite } from '../browser/hand-off.js';
import { currentBrowserSession } from '../login/sessions.js';
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

/** A guest form that came back with a field error: what was typed, and the message for one field. */
export interface GuestFormState {
  values: { name?: string | undefined; email?: string | undefined; website?: string | undefined };
  error?: { field: 'name' | 'email' | 'website'; message: string };
}

function guestForm(site: SiteConfig, request: AuthorizationRequest, csrf: string, state?: GuestFormState) {
  const { requireEmail, requireName } = site.guests;
  const field = (
    name: 'email' | 'name' | 'website',
    label: Html,
    attributes: { type: string; autocomplete: string; max: number; required: boolean },
  ) => {
    const error = state?.error?.field === name ? state.error.message : undefined;
    const id = `guest-${name}`;
    return html`<div class="field"><label for="${id}">${label}</label><input id="${id}" name="${name}" type="${attributes.type}" autocomplete="${attributes.autocomplete}" maxlength="${attributes.max}" value="${state?.values[name] ?? ''}"${attributes.required ? html` required` : ''}${error ? html` aria-invalid="true" aria-describedby="${id}-error"` : ''}>${error ? html`<p class="field-error" id="${id}-error">${error}</p>` : ''}</div>`;
  };
  const required = (yes: boolean) => (yes ? html` <span class="muted">(required)</span>` : '');
  return html`<section class="guest" aria-labelledby="guest-heading">
<h2 id="guest-heading">Or comment as a guest</h2>
<form class="stack" method="post" action="/auth/guest">
<input type="hidden" name="ar" value="${request.id}"><input type="hidden" name="${csrfField}" value="${csrf}">
${field('email', html`Email${required(requireEmail)} <span class="muted">(Address never made public)</span>`, { type: 'email', autocomplete: 'email', max: 254, required: requireEmail })}
${field('name', html`Name${required(requireName)}`, { type: 'text', autocomplete: 'name', max: 80, required: requireName })}
${field('website', html`Website`, { type: 'url', autocomplete: 'url', max: 2048, required: false })}
<button type="submit">Continue as guest</button>
</form>
</section>`;
}

/** The chooser: the site's providers, the guest form when the site takes guests, and who is logged in. */
export async function renderChooser(
  ctx: GatewayContext,
  req: Request,
  res: Response,
  site: SiteConfig,
  request: AuthorizationRequest,
  guest?: GuestFormState,
): Promise<void> {
  const items = siteProviders(ctx, site).map(
    (provider) =>
      html`<li><a class="provider" href="/auth/${provider.id}?ar=${request.id}"><img src="${provider.icon}" alt=""><span class="visually-hidden">Log in with </span>${provider.name}</a></li>`,
  );
  const csrf = csrfToken(ctx, req, res);
  const browser = await currentBrowserSession(ctx, req);
  const session = browser
    ? html`<div class="session"><p>Logged in as <strong>${browser.session.identity.name}</strong> (</p><form method="post" action="/logout"><input type="hidden" name="${csrfField}" value="${csrf}"><button type="submit" class="link">Log out</button></form><p> / <a href="#providers">Change</a>)</p></div>`
    : '';
  res.set('Cache-Control', 'no-store');
  res.type('html').send(
    renderPage(
      'chooser',
      {
        title: `Log in to comment on ${site.name}`,
        siteName: site.name,
        session,
        providers: html`${items}`,
        guest: site.guests.enabled ? guestForm(site, request, csrf, guest) : '',
      },
      res,
    ),
  );
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
        await continueSession(ctx, res, request, browser);
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
    await ctx.store.set(keys.authorizationRequest(request.id), request, loginTtlMs);
    await renderChooser(ctx, req, res, site, request);
  };
}
