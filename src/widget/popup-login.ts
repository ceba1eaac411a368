/**
 * The popup login: `/authorize` in web_message mode in a first-party popup. The answer is accepted only
 * from Byline's origin, from this popup, with this login's state. A blocked popup becomes a full-page
 * redirect (the draft saved first, the login kept under its state for the page it comes back to).
 */
import { saveDraft } from './drafts.js';
import type { Widget } from './form-widget.js';
import { authorizationError, authorizeUrl, type Pending, prepare, ReaderError, redeem } from './oauth.js';
import { save, storageKeys } from './store.js';

const width = 500;
const height = 640;

export async function popupLogin(widget: Widget, idp?: string, prompt?: string): Promise<string> {
  widget.cancel?.();
  // Synchronous when prepared ahead, so the popup opens within the reader's click.
  const prepared = widget.prepared ?? (await prepare());
  widget.prepare();
  const { issuer, locale, site } = widget.config;
  // The chooser and Byline's other pages speak the widget's language.
  const common = { client_id: widget.site, idp, prompt, ui_locales: locale };
  const popup = window.open(
    authorizeUrl(
      issuer,
      { ...common, response_mode: 'web_message', redirect_uri: location.origin },
      prepared,
    ),
    'byline_login',
    `popup,width=${width},height=${height},left=${Math.max(0, screenX + (outerWidth - width) / 2)},top=${Math.max(0, screenY + (outerHeight - height) / 2)}`,
  );
  if (!popup) {
    saveDraft(widget);
    const { form } = widget;
    const uris = site.redirectUris;
    const redirectUri =
      form.dataset.bylineRedirectUri ||
      uris.find((uri) => uri.startsWith(`${location.origin}/`)) ||
      (uris[0] as string);
    const pending: Pending = {
      issuer,
      site: widget.site,
      verifier: prepared.verifier,
      nonce: prepared.nonce,
      redirectUri,
      returnTo: form.id ? `${location.href.split('#')[0]}#${form.id}` : location.href,
    };
    save(storageKeys.pending(prepared.state), pending);
    widget.announce(widget.words.t('widget.popupBlocked'));
    location.assign(
      authorizeUrl(issuer, { ...common, response_mode: 'query', redirect_uri: redirectUri }, prepared),
    );
    return new Promise(() => {});
  }
  widget.show(
    idp
      ? widget.words.t('widget.connecting', { provider: widget.providerName(idp) })
      : widget.words.t('widget.choosing'),
  );
  const origin = new URL(issuer).origin;
  const response = await new Promise<Record<string, string>>((resolve, reject) => {
    let settled = false;
    const done = () => {
      settled = true;
      removeEventListener('message', onMessage);
      clearInterval(timer);
      widget.cancel = undefined;
    };
    const onMessage = (event: MessageEvent) => {
      const data = event.data as { type?: string; response?: Record<string, string> } | null;
      if (event.origin !== origin || event.source !== popup || data?.type !== 'authorization_response')
        return;
      if (data.response?.state !== prepared.state) return;
      done();
      resolve(data.response);
    };
    const timer = setInterval(() => {
      if (!popup.closed) return;
      clearInterval(timer);
      // The popup posts its answer and closes at once: on a busy machine the message may still be
      // queued when the window is already seen closed, so it gets a moment before this counts as cancel.
      setTimeout(() => {
        if (settled) return;
        done();
        reject(ReaderError.say('widget.closedEarly'));
      }, 1000);
    }, 400);
    widget.cancel = () => {
      done();
      popup.close();
      reject(ReaderError.say('widget.cancelled'));
    };
    addEventListener('message', onMessage);
  }).finally(() => {
    widget.show();
    // The live region said a window was open: it must not go on saying so.
    widget.announce(widget.words.t('widget.windowClosed'));
  });
  if (response.iss !== issuer) throw ReaderError.say('widget.wrongServer');
  if (!response.code) throw authorizationError(response.error);
  const tokens = await redeem(issuer, widget.site, response.code, prepared.verifier, location.origin);
  return widget.setTokens(tokens, prepared.nonce);
}
