/**
 * widget.js: enhances a blog's own comment form with Byline's login. Loaded with a plain
 * `<script src="https://byline.example/widget.js" defer>`; forms marked `data-byline-site="SITE"` are
 * attached automatically. Public API: `window.Byline` (attach, getToken, clearDraft, logout) and the
 * `byline:login` / `byline:logout` events on the form. It never relies on Byline's cookies: every call to
 * Byline is a credential-less CORS request, and the login itself runs in a first-party popup (or, when
 * popups are blocked, a full-page redirect).
 */

import { EmailCode, type VerifyEmail } from './email-code.js';
import { type Entry, Words } from './i18n.js';
import {
  authorizationError,
  authorizeUrl,
  type Claims,
  claimsOf,
  completeRedirect,
  type Pending,
  type Prepared,
  post,
  prepare,
  ReaderError,
  redeem,
  type TokenResponse,
} from './oauth.js';
import { type ProviderOffer, providerButtons, wantsLabels } from './provider-buttons.js';
import { signedInLine } from './signed-in.js';
import { load, save, storageKeys, take } from './store.js';
import { addStyles, h } from './ui.js';

interface Config {
  issuer: string;
  site: { id: string; name: string; redirectUris: string[] };
  providers: ProviderOffer[];
  guests: { enabled: boolean; requireEmail: boolean; requireName: boolean; verifyEmail?: VerifyEmail };
  /** The reader's locale (negotiated by Byline), its direction, and the widget's words in it. */
  locale: string;
  dir: string;
  messages: Record<string, Entry>;
}

interface Auth {
  refresh?: string;
  claims: Claims;
}

interface Draft {
  fields: Record<string, string>;
  guest: Record<string, string>;
}

export interface AttachOptions {
  site: string;
  /** Byline's URL; default: where widget.js was loaded from. */
  gateway?: string;
}

type GuestField = 'email' | 'name' | 'website';

/** Thrown when the reader has been told already (a field error, a cancelled popup). */
class Shown extends Error {}

const script = (document.currentScript as HTMLScriptElement | null)?.src;
const forms = new WeakMap<HTMLFormElement, Widget>();
let counter = 0;

const fieldTypes = /^(text|email|url|search|tel|number|textarea|select-one)$/;

class Widget {
  readonly ready: Promise<void>;
  config!: Config;
  words!: Words;
  auth?: Auth;
  access?: { token: string; expiresAt: number };
  prepared?: Prepared;
  cancel?: () => void;
  busy = false;
  readonly n = ++counter;
  readonly root = h('div', { class: 'byline' });
  readonly hidden = h('input', { type: 'hidden', name: 'byline_token' });
  readonly error = h('p', { class: 'byline-error', role: 'alert' });
  readonly status = h('p', { class: 'byline-status byline-sr', 'aria-live': 'polite' });
  readonly out = h('div', { class: 'byline-out' });
  readonly connecting = h('div', { class: 'byline-connecting', hidden: true });
  readonly inside = h('div', { class: 'byline-in', hidden: true });
  readonly guest: Partial<Record<GuestField, HTMLInputElement>> = {};
  /** The mailed code's part of the guest fields, on sites that verify guests' addresses. */
  emailCode?: EmailCode;

  constructor(
    readonly form: HTMLFormElement,
    readonly site: string,
    gateway: string,
  ) {
    this.ready = this.start(gateway);
  }

  get draftKey() {
    return storageKeys.draft(this.site, this.form.id || String(this.n));
  }

  async start(gateway: string): Promise<void> {
    // The reader's language: the form's data-byline-lang, else the page's <html lang> (Byline then
    // tries Accept-Language, else English).
    const query = new URLSearchParams({ client_id: this.site });
    const lang = this.form.closest('[data-byline-lang]')?.getAttribute('data-byline-lang');
    if (lang) query.set('lang', lang);
    if (document.documentElement.lang) query.set('page_lang', document.documentElement.lang);
    const response = await fetch(`${gateway}/widget/config?${query}`, { credentials: 'omit' });
    if (!response.ok) throw new Error(`Byline: no site "${this.site}" at ${gateway}`);
    this.config = (await response.json()) as Config;
    this.words = new Words(this.config.locale, this.config.messages);
    this.render();
    this.form.addEventListener('input', () => this.saveDraft());
    this.form.addEventListener('submit', (event) => this.submit(event));
    this.restoreDraft();
    this.auth = load<Auth>(storageKeys.auth(this.config.issuer, this.site));
    const handoff = take<{ access: string; expiresAt: number }>(
      storageKeys.handoff(this.config.issuer, this.site),
    );
    if (handoff) this.access = { token: handoff.access, expiresAt: handoff.expiresAt };
    this.show();
    const flash = take<string>(storageKeys.flash(this.site));
    if (flash && flash in this.config.messages) this.error.textContent = this.words.t(flash);
    if (this.auth) this.emit('byline:login');
    this.prepare();
  }

  prepare(): void {
    this.prepared = undefined;
    prepare().then((prepared) => {
      this.prepared = prepared;
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Rendering

  render(): void {
    addStyles();
    const { site, providers, guests, locale, dir } = this.config;
    const words = this.words;
    // The widget speaks the reader's language even on a page written in another.
    this.root.lang = locale;
    this.root.dir = dir;
    // A title the site sets is the site's own words.
    const title = this.form.dataset.bylineTitle ?? words.t('widget.title');
    this.out.append(
      h(
        'p',
        { class: 'byline-prompt' },
        guests.enabled
          ? words.t('widget.prompt')
          : words.t('widget.promptProvidersOnly', { site: site.name }),
      ),
      providerButtons(providers, wantsLabels(this.form), words, (id, button) =>
        this.interactiveLogin(id, undefined, button),
      ),
    );
    if (guests.enabled) {
      const fields = h('div', { class: 'byline-guest' });
      const field = (name: GuestField, label: string, type: string, required: boolean, note?: string) => {
        const id = `byline-${this.n}-${name}`;
        const input = h('input', { id, type, autocomplete: name === 'website' ? 'url' : name });
        if (required) input.setAttribute('aria-required', 'true');
        this.guest[name] = input;
        fields.append(
          h(
            'div',
            { class: `byline-field byline-field-${name}` },
            h(
              'label',
              { for: id },
              label,
              required && h('span', { class: 'byline-note' }, ` ${words.t('guest.required')}`),
              note && h('span', { class: 'byline-note' }, ` ${note}`),
            ),
            input,
          ),
        );
      };
      field('email', words.t('guest.email'), 'email', guests.requireEmail, words.t('guest.emailNote'));
      field('name', words.t('guest.name'), 'text', guests.requireName);
      field('website', words.t('guest.website'), 'url', false);
      const { email } = this.guest;
      if (email && guests.verifyEmail && guests.verifyEmail !== 'off') {
        this.emailCode = new EmailCode({
          issuer: this.config.issuer,
          site: this.site,
          mode: guests.verifyEmail,
          n: this.n,
          words,
          email,
          name: this.guest.name,
          onError: (error) => {
            this.clearErrors();
            if (!this.showGuestError(error)) this.error.textContent = this.say(error);
          },
        });
        fields.append(this.emailCode.root);
      }
      this.out.append(fields);
    }
    this.root.append(
      ...(title ? [h('h3', { class: 'byline-title' }, title)] : []),
      this.out,
      this.connecting,
      this.inside,
      this.error,
      this.status,
    );
    const slot = this.form.querySelector('[data-byline-slot]');
    if (slot) slot.append(this.root);
    else this.form.prepend(this.root);
    this.form.append(this.hidden);
  }

  /** What an error tells the reader, in their words. */
  say(error: Error): string {
    return error instanceof ReaderError && error.key ? this.words.t(error.key, error.vars) : error.message;
  }

  providerName(id: string): string {
    return this.config.providers.find((provider) => provider.id === id)?.name ?? id;
  }

  /** Shows the state: logged out (icons and guest fields), connecting (saying so), or logged in. */
  show(connecting?: string): void {
    const claims = this.auth?.claims;
    this.out.hidden = Boolean(claims || connecting);
    this.connecting.hidden = !connecting;
    this.inside.hidden = !claims || Boolean(connecting);
    if (connecting) {
      const cancel = h('button', { type: 'button', class: 'byline-link' }, this.words.t('widget.cancel'));
      cancel.addEventListener('click', () => this.cancel?.());
      this.connecting.replaceChildren(h('p', {}, `${connecting} `, cancel));
      this.announce(`${connecting} ${this.words.t('widget.windowOpen')}`);
    }
    if (!claims) return;
    this.inside.replaceChildren(
      ...signedInLine(claims, this.providerName(claims.idp), this.words, {
        logout: () => this.logout(),
        change: () => {
          this.logout();
          this.interactiveLogin(undefined, 'select_account');
        },
      }),
    );
  }

  announce(message: string): void {
    this.status.textContent = message;
  }

  /** Shows each message next to its guest field, all at once, and focuses the first; false if none is shown. */
  fieldErrors(errors: Readonly<Record<string, string>>): boolean {
    if (this.out.hidden) return false;
    let first: HTMLInputElement | undefined;
    // this.guest holds the fields in the form's order.
    for (const [name, input] of Object.entries(this.guest)) {
      const message = errors[name];
      if (message === undefined) continue;
      const id = `${input.id}-error`;
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', id);
      input.after(h('p', { class: 'byline-field-error', id }, message));
      first ??= input;
    }
    first?.focus();
    return first !== undefined;
  }

  clearErrors(): void {
    this.error.textContent = '';
    this.emailCode?.clearError();
    for (const input of Object.values(this.guest)) {
      input.removeAttribute('aria-invalid');
      input.removeAttribute('aria-describedby');
    }
    this.root.querySelectorAll('.byline-field-error').forEach((old) => {
      old.remove();
    });
  }

  emit(type: 'byline:login' | 'byline:logout'): void {
    const claims = this.auth?.claims;
    const detail = claims
      ? { sub: claims.sub, name: claims.name, picture: claims.picture, idp: claims.idp, site: this.site }
      : { site: this.site };
    this.form.dispatchEvent(new CustomEvent(type, { bubbles: true, detail }));
  }

  // ---------------------------------------------------------------------------------------------
  // Drafts: nothing the reader typed is lost

  saveDraft(): void {
    const draft: Draft = { fields: {}, guest: {} };
    for (const element of Array.from(this.form.elements) as HTMLInputElement[]) {
      if (element.name && element.name !== 'byline_token' && fieldTypes.test(element.type) && element.value)
        draft.fields[element.name] = element.value;
    }
    for (const [name, input] of Object.entries(this.guest)) if (input.value) draft.guest[name] = input.value;
    save(this.draftKey, draft);
  }

  restoreDraft(): void {
    const draft = load<Draft>(this.draftKey);
    if (!draft) return;
    for (const [name, value] of Object.entries(draft.fields)) {
      const element = this.form.elements.namedItem(name) as HTMLInputElement | null;
      if (element && 'value' in element && !element.value) element.value = value;
    }
    for (const [name, value] of Object.entries(draft.guest)) {
      const input = this.guest[name as GuestField];
      if (input && !input.value) input.value = value;
    }
  }

  clearDraft(): void {
    save(this.draftKey, undefined);
  }

  // ---------------------------------------------------------------------------------------------
  // Logging in and out

  setTokens(tokens: TokenResponse, nonce?: string): string {
    const claims = claimsOf(tokens.access_token);
    if (nonce && claims.nonce !== nonce) throw ReaderError.say('widget.mismatch');
    const wasIn = Boolean(this.auth);
    this.access = { token: tokens.access_token, expiresAt: Date.now() + tokens.expires_in * 1000 };
    this.auth = { refresh: tokens.refresh_token ?? this.auth?.refresh, claims };
    save(storageKeys.auth(this.config.issuer, this.site), this.auth);
    this.show();
    if (!wasIn) {
      this.announce(this.words.t('widget.loggedIn', { name: claims.name }));
      this.emit('byline:login');
    }
    return tokens.access_token;
  }

  forget(): void {
    this.auth = undefined;
    this.access = undefined;
    save(storageKeys.auth(this.config.issuer, this.site), undefined);
    this.show();
  }

  /** "Log Out": revokes the refresh token (which ends this site's login session) and forgets it. */
  logout(): void {
    const refresh = this.auth?.refresh;
    if (!this.auth) return;
    this.forget();
    this.announce(this.words.t('widget.loggedOut'));
    this.emit('byline:logout');
    if (refresh)
      post(`${this.config.issuer}/revoke`, {
        token: refresh,
        token_type_hint: 'refresh_token',
        client_id: this.site,
      }).catch(() => {});
  }

  /** A click on an icon or "Change": opens the popup; errors are shown, not thrown. */
  interactiveLogin(idp?: string, prompt?: string, focusAfter?: HTMLElement): void {
    this.clearErrors();
    this.login(idp, prompt).then(
      () => (this.form.querySelector('textarea') ?? this.form).focus(),
      (error: Error) => {
        if (!(error instanceof Shown)) this.error.textContent = this.say(error);
        focusAfter?.focus();
      },
    );
  }

  /**
   * The popup login: `/authorize` in web_message mode. The answer is accepted only from Byline's
   * origin, from this popup, with this login's state. A blocked popup becomes a full-page redirect.
   */
  async login(idp?: string, prompt?: string): Promise<string> {
    this.cancel?.();
    // Synchronous when prepared ahead, so the popup opens within the reader's click.
    const prepared = this.prepared ?? (await prepare());
    this.prepare();
    const { issuer } = this.config;
    // The chooser and Byline's other pages speak the widget's language.
    const common = { client_id: this.site, idp, prompt, ui_locales: this.config.locale };
    const width = 500;
    const height = 640;
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
      this.saveDraft();
      const uris = this.config.site.redirectUris;
      const redirectUri =
        this.form.dataset.bylineRedirectUri ||
        uris.find((uri) => uri.startsWith(`${location.origin}/`)) ||
        (uris[0] as string);
      const pending: Pending = {
        issuer,
        site: this.site,
        verifier: prepared.verifier,
        nonce: prepared.nonce,
        redirectUri,
        returnTo: this.form.id ? `${location.href.split('#')[0]}#${this.form.id}` : location.href,
      };
      save(storageKeys.pending(prepared.state), pending);
      this.announce(this.words.t('widget.popupBlocked'));
      location.assign(
        authorizeUrl(issuer, { ...common, response_mode: 'query', redirect_uri: redirectUri }, prepared),
      );
      return new Promise(() => {});
    }
    this.show(
      idp
        ? this.words.t('widget.connecting', { provider: this.providerName(idp) })
        : this.words.t('widget.choosing'),
    );
    const origin = new URL(issuer).origin;
    const response = await new Promise<Record<string, string>>((resolve, reject) => {
      let settled = false;
      const done = () => {
        settled = true;
        removeEventListener('message', onMessage);
        clearInterval(timer);
        this.cancel = undefined;
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
      this.cancel = () => {
        done();
        popup.close();
        reject(ReaderError.say('widget.cancelled'));
      };
      addEventListener('message', onMessage);
    }).finally(() => {
      this.show();
      // The live region said a window was open: it must not go on saying so.
      this.announce(this.words.t('widget.windowClosed'));
    });
    if (response.iss !== issuer) throw ReaderError.say('widget.wrongServer');
    if (!response.code) throw authorizationError(response.error);
    const tokens = await redeem(issuer, this.site, response.code, prepared.verifier, location.origin);
    return this.setTokens(tokens, prepared.nonce);
  }

  async guestLogin(): Promise<string> {
    const value = (name: GuestField) => this.guest[name]?.value.trim() ?? '';
    // A site that verifies addresses: a code only now mailed is awaited (the reader types it, posts again).
    const verification = (await this.emailCode?.beforeLogin()) ?? { code: '' };
    if (typeof verification === 'string') throw new Shown();
    try {
      const tokens = await post(`${this.config.issuer}/guest`, {
        client_id: this.site,
        name: value('name'),
        email: value('email'),
        website: value('website'),
        ...(verification.code ? { code: verification.code } : {}),
        // Byline answers field errors in the reader's language.
        ui_locales: this.config.locale,
      });
      return this.setTokens(tokens);
    } catch (error) {
      if (this.showGuestError(error as ReaderError)) throw new Shown();
      throw error;
    }
  }

  /** Shows a guest request's field errors, the code's included; false when none was a field's. */
  showGuestError(error: ReaderError): boolean {
    const fields = error.fields ?? (error.field ? { [error.field]: error.message } : {});
    const shown = this.fieldErrors(fields);
    return this.emailCode?.showError(fields.code, !shown) || shown;
  }

  /** A fresh access token: the one in memory, a refreshed one, or a new login. */
  async token(): Promise<string> {
    await this.ready;
    if (this.access && this.access.expiresAt - 60_000 > Date.now()) return this.access.token;
    this.access = undefined;
    if (this.auth?.refresh) {
      try {
        return this.setTokens(
          await post(`${this.config.issuer}/token`, {
            grant_type: 'refresh_token',
            refresh_token: this.auth.refresh,
            client_id: this.site,
          }),
        );
      } catch (error) {
        if ((error as ReaderError).status === undefined) throw error;
        // The login ended, or this Byline has no refresh grant: log in again below.
      }
    }
    const idp = this.auth?.claims.idp;
    if (idp === 'guest' || (!this.auth && this.config.guests.enabled)) {
      this.forget();
      return this.guestLogin();
    }
    return this.login(idp);
  }

  // ---------------------------------------------------------------------------------------------
  // Posting

  async submit(event: SubmitEvent): Promise<void> {
    if (this.form.dataset.bylineSubmit === 'manual') return;
    event.preventDefault();
    if (this.busy) return;
    this.busy = true;
    this.clearErrors();
    this.saveDraft();
    try {
      this.hidden.value = await this.token();
      const action = new URL(this.form.getAttribute('action') || location.href, document.baseURI);
      if (action.origin !== location.origin) {
        // Another origin's backend: a plain form post, whose answer the widget cannot see.
        this.clearDraft();
        HTMLFormElement.prototype.submit.call(this.form);
        return;
      }
      await this.send(action.href, event.submitter);
    } catch (error) {
      if (!(error instanceof Shown)) this.error.textContent = this.say(error as Error);
    } finally {
      this.busy = false;
    }
  }

  /** Posts the form to the site's backend; the draft is cleared only once the backend accepts it. */
  async send(action: string, submitter: HTMLElement | null): Promise<void> {
    const data = new FormData(this.form, submitter);
    const multipart = this.form.enctype === 'multipart/form-data';
    const response = await fetch(action, {
      method: 'POST',
      body: multipart ? data : new URLSearchParams(data as unknown as Record<string, string>),
      credentials: 'same-origin',
    }).catch(() => {
      throw ReaderError.say('widget.notSent');
    });
    if (response.ok) {
      this.clearDraft();
      const target = response.url || location.href;
      if (target.split('#')[0] !== location.href.split('#')[0]) location.assign(target);
      else {
        history.replaceState(null, '', target);
        location.reload();
      }
      return;
    }
    const body = (await response.json().catch(() => ({}))) as Record<string, string>;
    if (response.status === 401) {
      this.forget();
      throw ReaderError.say('widget.expired');
    }
    // The backend's reason is the site's own words.
    throw ReaderError.say('widget.notPosted', {
      reason: body.error_description || this.words.t('widget.siteAnswered', { status: `${response.status}` }),
    });
  }
}

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
  clearDraft: (form: HTMLFormElement) => widgetOf(form).clearDraft(),
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
