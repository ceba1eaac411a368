import type { Request, Response } from 'express';
import type { SiteConfig } from '../../config/schema.js';
import { type Html, html, renderPage, translator } from '../../http/views.js';
import { type Message, msg } from '../../i18n/message.js';
import { speakFor } from '../../i18n/request-locale.js';
import { csrfField, csrfToken } from '../browser/csrf.js';
import { currentBrowserSession } from '../browser/session-cookie.js';
import { type GatewayContext, siteProviders } from '../gateway-context.js';
import type { AuthorizationRequest } from '../login/records.js';
import { type CodeFormState, guestFormActions } from './guest-code-form.js';
import { type HandleFormState, handleForm, handleScript } from './handle-form.js';

/**
 * A guest form that came back: what was typed, each wrong field's message (in the reader's language),
 * and (guest-code-form.ts) whether it now asks for a mailed code.
 */
export interface GuestFormState extends CodeFormState {
  values: { name?: string | undefined; email?: string | undefined; website?: string | undefined };
  errors?: Partial<Record<'name' | 'email' | 'website' | 'code', string>>;
}

function guestForm(
  site: SiteConfig,
  request: AuthorizationRequest,
  csrf: string,
  t: (message: Message) => Html,
  state?: GuestFormState,
) {
  const { requireEmail, requireName } = site.guests;
  let focused = false;
  const field = (
    name: 'email' | 'name' | 'website',
    label: Html,
    attributes: { type: string; autocomplete: string; max: number; required: boolean },
  ) => {
    const error = state?.errors?.[name];
    const id = `guest-${name}`;
    // The first wrong field (the fields are in the form's order) takes the focus, without JavaScript.
    const first = error !== undefined && !focused;
    focused ||= first;
    return html`<div class="field"><label for="${id}">${label}</label><input id="${id}" name="${name}" type="${attributes.type}" autocomplete="${attributes.autocomplete}" maxlength="${attributes.max}" value="${state?.values[name] ?? ''}"${attributes.required ? html` required` : ''}${error ? html` aria-invalid="true" aria-describedby="${id}-error"` : ''}${first ? html` autofocus` : ''}>${error ? html`<p class="field-error" id="${id}-error">${error}</p>` : ''}</div>`;
  };
  const required = (yes: boolean) =>
    yes ? html` <span class="muted">${t(msg('guest.required'))}</span>` : '';
  return html`<section class="guest" aria-labelledby="guest-heading">
<h2 id="guest-heading">${t(msg('guest.heading'))}</h2>
<form class="stack" method="post" action="/auth/guest">
<input type="hidden" name="ar" value="${request.id}"><input type="hidden" name="${csrfField}" value="${csrf}">
${field('email', html`${t(msg('guest.email'))}${required(requireEmail)} <span class="muted">${t(msg('guest.emailNote'))}</span>`, { type: 'email', autocomplete: 'email', max: 254, required: requireEmail })}
${field('name', html`${t(msg('guest.name'))}${required(requireName)}`, { type: 'text', autocomplete: 'name', max: 80, required: requireName })}
${field('website', t(msg('guest.website')), { type: 'url', autocomplete: 'url', max: 2048, required: false })}
${guestFormActions(site.guests.verifyEmail, state, !focused, t)}
</form>
</section>`;
}

/**
 * The chooser: the site's providers (a handle input for those that need one), the guest form when the site
 * takes guests, and who is logged in. `handle`: a handle provider to focus, with what failed there.
 */
export async function renderChooser(
  ctx: GatewayContext,
  req: Request,
  res: Response,
  site: SiteConfig,
  request: AuthorizationRequest,
  guest?: GuestFormState,
  handle?: HandleFormState,
): Promise<void> {
  speakFor(res, request);
  const t = translator(res);
  const providers = siteProviders(ctx, site);
  // Provider names are brands: a placeholder's value, never translated.
  const items = providers.map((provider) =>
    provider.handle
      ? handleForm(provider, request, handle, t)
      : html`<li><a class="provider" href="/auth/${provider.id}?ar=${request.id}"><img src="${provider.icon}" alt="" width="24" height="24">${t(msg('chooser.logInWith', { provider: provider.name }))}</a></li>`,
  );
  if (providers.some((provider) => provider.handle)) items.push(handleScript(res));
  const csrf = csrfToken(ctx, req, res);
  const browser = await currentBrowserSession(ctx, req);
  const logout = html`<form method="post" action="/logout"><input type="hidden" name="${csrfField}" value="${csrf}"><button type="submit" class="link">${t(msg('chooser.logOut'))}</button></form>`;
  const change = html`<a href="#providers">${t(msg('chooser.change'))}</a>`;
  // The reader's name in any script, isolated from the sentence's direction.
  const session = browser
    ? html`<div class="session">${t(msg('chooser.loggedInAs', { name: html`<strong><bdi>${browser.session.identity.name}</bdi></strong>` }))} ${t(msg('chooser.actions', { logout, change }))}</div>`
    : '';
  res.set('Cache-Control', 'no-store');
  res.type('html').send(
    renderPage(
      'chooser',
      {
        title: msg('chooser.title', { site: site.name }),
        site: site.name,
        // Without guests there are no details to fill in.
        lead: msg(site.guests.enabled ? 'chooser.lead' : 'chooser.leadProvidersOnly'),
        session,
        providers: html`${items}`,
        guest: site.guests.enabled ? guestForm(site, request, csrf, t, guest) : '',
      },
      res,
    ),
  );
}
