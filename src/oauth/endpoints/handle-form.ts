import type { Response } from 'express';
import { pageNonce } from '../../http/security.js';
import { type Html, html } from '../../http/views.js';
import { type Message, msg } from '../../i18n/message.js';
import type { UpstreamProvider } from '../../providers/provider.js';
import type { AuthorizationRequest } from '../login/records.js';

/** A handle that came back to the chooser: what was typed, and why it did not begin a login. */
export interface HandleFormState {
  provider: string;
  handle?: string | undefined;
  error?: string;
}

const messages = {
  logIn: msg('chooser.handleSubmit'),
  /** `{host}` is left for the page's script, which fills it in from what the reader typed. */
  connecting: msg('chooser.connectingHost'),
  brand: (provider: string) => msg('chooser.logInWith', { provider }),
};

/**
 * A handle-based provider on the chooser: a form of its own whose labelled input takes the reader's handle
 * and goes to `GET /auth/<provider>?ar=…&login_hint=…` (the same name as on /authorize), so it works
 * without JavaScript. A `state` for this provider (the widget's button for it, or a handle that failed)
 * puts the cursor in the input, with what was typed and the reason it failed.
 */
export function handleForm(
  provider: UpstreamProvider,
  request: AuthorizationRequest,
  state: HandleFormState | undefined,
  t: (message: Message) => Html,
): Html {
  const prompt = provider.handle;
  if (!prompt) throw new TypeError(`${provider.id} takes no handle`);
  const id = `handle-${provider.id}`;
  const focus = state?.provider === provider.id;
  const error = focus ? state.error : undefined;
  const value = focus ? (state.handle ?? '') : '';
  const described = [`${id}-help`, ...(error ? [`${id}-error`] : [])].join(' ');
  return html`<li><form class="provider handle" method="get" action="/auth/${provider.id}" aria-labelledby="${id}-brand" data-provider="${provider.id}" data-connecting="${t(messages.connecting)}"${error ? html` data-failed` : ''}>
<input type="hidden" name="ar" value="${request.id}">
<span class="brand" id="${id}-brand"><img src="${provider.icon}" alt="" width="24" height="24">${t(messages.brand(provider.name))}</span>
<label for="${id}">${t(prompt.label)}</label>
<p class="muted" id="${id}-help">${t(prompt.help)}</p>
<div class="handle-row"><input id="${id}" name="login_hint" type="text" inputmode="url" autocomplete="off" autocapitalize="none" spellcheck="false" maxlength="512" required value="${value}" aria-describedby="${described}"${error ? html` aria-invalid="true"` : ''}${focus ? html` autofocus` : ''}><button type="submit">${t(messages.logIn)}</button></div>
${error ? html`<p class="field-error" id="${id}-error">${error}</p>` : ''}<p class="handle-status" role="status"></p>
</form></li>`;
}

/**
 * The chooser's script for handle inputs (inline, under the page's CSP nonce). It remembers the last handle
 * typed for each provider in this browser (localStorage on Byline's origin) and offers only that one, forgets
 * it when it failed, and says "Connecting to <host>…" while the login begins.
 */
export function handleScript(res: Response): Html {
  return html`<script nonce="${pageNonce(res)}">
for (const form of document.querySelectorAll('form.handle')) {
  const input = form.querySelector('input[name=login_hint]');
  const button = form.querySelector('button');
  const status = form.querySelector('.handle-status');
  const key = 'byline.handle.' + form.dataset.provider;
  try {
    if (form.hasAttribute('data-failed')) localStorage.removeItem(key);
    else if (!input.value) input.value = localStorage.getItem(key) || '';
  } catch {}
  form.addEventListener('submit', () => {
    const handle = input.value.trim();
    try { localStorage.setItem(key, handle); } catch {}
    const host = handle.replace(/^[a-z][a-z0-9+.-]*:\\/\\//i, '').split('/')[0].split('@').pop();
    status.textContent = form.dataset.connecting.replace('{host}', host);
    button.disabled = true;
  });
  // Back from the server (the browser's page cache): the form is usable again.
  addEventListener('pageshow', () => { button.disabled = false; status.textContent = ''; });
}
</script>`;
}
