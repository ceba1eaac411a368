/**
 * One comment form with Byline's login: its state (the site's config, who is logged in, the tokens),
 * what it shows (provider buttons and guest fields, "connecting…", or the logged-in line), and getting a
 * fresh token. Drafts, the popup login, the guest fields and posting are modules of their own.
 */
import { restoreDraft, saveDraft } from './drafts.js';
import type { EmailCode, VerifyEmail } from './email-code.js';
import { clearErrors, type GuestField, guestFields, guestLogin } from './guest-form.js';
import { type Entry, Words } from './i18n.js';
import {
  type Claims,
  claimsOf,
  type Prepared,
  post,
  prepare,
  ReaderError,
  type TokenResponse,
} from './oauth.js';
import { popupLogin } from './popup-login.js';
import { submit } from './posting.js';
import { type ProviderOffer, providerButtons, wantsLabels } from './provider-buttons.js';
import { signedInLine } from './signed-in.js';
import { load, save, storageKeys, take } from './store.js';
import { addStyles, h, Shown } from './ui.js';

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

let counter = 0;

export class Widget {
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
    this.form.addEventListener('input', () => saveDraft(this));
    this.form.addEventListener('submit', (event) => submit(this, event));
    restoreDraft(this);
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
    if (guests.enabled) this.out.append(guestFields(this));
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

  emit(type: 'byline:login' | 'byline:logout'): void {
    const claims = this.auth?.claims;
    const detail = claims
      ? { sub: claims.sub, name: claims.name, picture: claims.picture, idp: claims.idp, site: this.site }
      : { site: this.site };
    this.form.dispatchEvent(new CustomEvent(type, { bubbles: true, detail }));
  }

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
    clearErrors(this);
    popupLogin(this, idp, prompt).then(
      () => (this.form.querySelector('textarea') ?? this.form).focus(),
      (error: Error) => {
        if (!(error instanceof Shown)) this.error.textContent = this.say(error);
        focusAfter?.focus();
      },
    );
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
      return guestLogin(this);
    }
    return popupLogin(this, idp);
  }
}
