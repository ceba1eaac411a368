/**
 * widget.js: enhances a blog's own comment form with Byline's login. Loaded with a plain
 * `<script src="https://byline.example/widget.js" defer>`; forms marked `data-byline-site="SITE"` are
 * attached automatically. Public API: `window.Byline` (attach, getToken, clearDraft, logout) and the
 * `byline:login` / `byline:logout` events on the form. It never relies on Byline's cookies: every call to
 * Byline is a credential-less CORS request, and the login itself runs in a first-party popup (or, when
 * popups are blocked, a full-page redirect).
 */

import { clearDraft } from './drafts.js';
import { Widget } from './form-widget.js';
import { completeRedirect } from './oauth.js';

export interface AttachOptions {
  site: string;
  /** Byline's URL; default: where widget.js was loaded from. */
  gateway?: string;
}

const script = (document.currentScript as HTMLScriptElement | null)?.src;
const forms = new WeakMap<HTMLFormElement, Widget>();

function attach(form: HTMLFormElement, options: AttachOptions): Promise<void> {
  let widget = forms.get(form);
  if (!widget) {
    const gateway = (
      options.gateway ||
      form.dataset.bylineGateway ||
      new URL(script ?? location.href).origin
    ).replace(/\/$/, '');
    widget = new Widget(form, options.site, gateway);
    forms.set(form, widget);
  }
  return widget.ready;
}

function widgetOf(form: HTMLFormElement): Widget {
  const widget = forms.get(form);
  if (!widget) throw new Error('Byline: this form is not attached');
  return widget;
}

const Byline = {
  attach,
  /** A fresh access token for the form's site, logging the reader in if needed. */
  getToken: (form: HTMLFormElement) => widgetOf(form).token(),
  /** For sites that post with fetch: call once the backend has accepted the comment. */
  clearDraft: (form: HTMLFormElement) => clearDraft(widgetOf(form)),
  logout: (form: HTMLFormElement) => widgetOf(form).logout(),
};

declare global {
  interface Window {
    Byline: typeof Byline;
  }
}

window.Byline = Byline;

function autoAttach(): void {
  document.querySelectorAll<HTMLFormElement>('form[data-byline-site]').forEach((form) => {
    attach(form, { site: form.dataset.bylineSite as string }).catch((error: Error) => console.error(error));
  });
}

completeRedirect().then((navigating) => {
  if (navigating) return;
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', autoAttach);
  else autoAttach();
});
