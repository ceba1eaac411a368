import type { Request, Response } from 'express';
import type { SiteConfig } from '../../config/schema.js';
import { type Html, html, renderPage } from '../../http/views.js';
import { csrfField, csrfToken } from '../browser/csrf.js';
import { currentBrowserSession } from '../browser/session-cookie.js';
import { type GatewayContext, siteProviders } from '../gateway-context.js';
import type { AuthorizationRequest } from '../login/records.js';
import { type CodeFormState, guestFormActions } from './guest-code-form.js';
import { type HandleFormState, handleForm, handleScript } from './handle-form.js';

/**
 * A guest form that came back: what was typed, each wrong field's message, and (guest-code-form.ts)
 * whether it now asks for a mailed code.
 */
export interface GuestFormState extends CodeFormState {
  values: { name?: string | undefined; email?: string | undefined; website?: string | undefined };
  errors?: Partial<Record<'name' | 'email' | 'website' | 'code', string>>;
}

function guestForm(site: SiteConfig, request: AuthorizationRequest, csrf: string, state?: GuestFormState) {
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
  const required = (yes: boolean) => (yes ? html` <span class="muted">(required)</span>` : '');
  return html`<section class="guest" aria-labelledby="guest-heading">
<h2 id="guest-heading">Or comment as a guest</h2>
<form class="stack" method="post" action="/auth/guest">
<input type="hidden" name="ar" value="${request.id}"><input type="hidden" name="${csrfField}" value="${csrf}">
${field('email', html`Email${required(requireEmail)} <span class="muted">(Address never made public)</span>`, { type: 'email', autocomplete: 'email', max: 254, required: requireEmail })}
${field('name', html`Name${required(requireName)}`, { type: 'text', autocomplete: 'name', max: 80, required: requireName })}
${field('website', html`Website`, { type: 'url', autocomplete: 'url', max: 2048, required: false })}
${guestFormActions(site.guests.verifyEmail, state, !focused)}
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
  const providers = siteProviders(ctx, site);
  const items = providers.map((provider) =>
    provider.handle
      ? handleForm(provider, request, handle)
      : html`<li><a class="provider" href="/auth/${provider.id}?ar=${request.id}"><img src="${provider.icon}" alt="" width="24" height="24">Log in with ${provider.name}</a></li>`,
  );
  if (providers.some((provider) => provider.handle)) items.push(handleScript(res));
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
        // Without guests there are no details to fill in.
        lead: site.guests.enabled
          ? 'Fill in your details below or click an icon to log in:'
          : 'Choose how to log in:',
        session,
        providers: html`${items}`,
        guest: site.guests.enabled ? guestForm(site, request, csrf, guest) : '',
      },
      res,
    ),
  );
}
