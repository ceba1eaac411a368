/**
 * The guest form's email code, for sites with `guests.verifyEmail`: asking Byline to mail a code
 * (`POST /guest/code`), and the field the reader types it into, in the comment form itself, so the
 * draft never leaves the page.
 */
import type { Words } from './i18n.js';
import { post, type ReaderError } from './oauth.js';
import { h } from './ui.js';

export type VerifyEmail = 'off' | 'optional' | 'required';

export interface EmailCodeOptions {
  issuer: string;
  site: string;
  mode: VerifyEmail;
  /** A number unique on the page, for element ids. */
  n: number;
  /** The reader's words; their locale also goes to Byline, for its answers and the mail. */
  words: Words;
  email: HTMLInputElement;
  /** Shows a failed request for a code (a field error, or a message for the form). */
  onError(error: ReaderError): void;
}

/**
 * The code part of the guest fields. `required`: the first post mails the code and waits for it;
 * `optional`: "Confirm my email address" mails one, and a post without a code stays unverified.
 */
export class EmailCode {
  readonly root: HTMLElement;
  readonly #input: HTMLInputElement;
  readonly #area: HTMLElement;
  readonly #notice: HTMLElement;
  /** The address the code was mailed to (as typed, trimmed); undefined while none was. */
  #sentTo: string | undefined;

  constructor(readonly options: EmailCodeOptions) {
    const t = (key: string) => options.words.t(key);
    const id = `byline-${options.n}-code`;
    this.#input = h('input', {
      id,
      type: 'text',
      inputmode: 'numeric',
      autocomplete: 'one-time-code',
      maxlength: '12',
    });
    this.#notice = h('p', { class: 'byline-note byline-code-notice', role: 'status' });
    const again = h(
      'button',
      { type: 'button', class: 'byline-link byline-code-again' },
      t('guest.sendNewCode'),
    );
    again.addEventListener('click', () => this.#ask());
    this.#area = h(
      'div',
      { class: 'byline-field byline-field-code', hidden: true },
      this.#notice,
      h('label', { for: id }, t('guest.codeLabel')),
      this.#input,
      h('p', { class: 'byline-note' }, again),
    );
    const parts: HTMLElement[] = [];
    if (options.mode === 'required')
      parts.push(h('p', { class: 'byline-note byline-code-offer' }, t('widget.codeRequiredNote')));
    if (options.mode === 'optional') {
      const confirm = h(
        'button',
        { type: 'button', class: 'byline-link byline-code-confirm' },
        t('guest.confirmEmail'),
      );
      confirm.addEventListener('click', () => this.#ask());
      parts.push(
        h('p', { class: 'byline-field byline-code-offer' }, confirm, ` ${t('widget.codeConfirmNote')}`),
      );
    }
    this.root = h('div', { class: 'byline-code' }, ...parts, this.#area);
    // A code is for one address: typing another one puts the form back as it was.
    options.email.addEventListener('input', () => {
      if (this.#sentTo !== undefined && options.email.value.trim() !== this.#sentTo) this.#reset();
    });
  }

  #reset(): void {
    this.#sentTo = undefined;
    this.#input.value = '';
    this.#area.hidden = true;
  }

  /** Asks Byline to mail a code to the typed address; shows the code field. Errors go to onError. */
  async #ask(): Promise<boolean> {
    const email = this.options.email.value.trim();
    this.#notice.textContent = this.options.words.t('widget.codeSending');
    try {
      await post(`${this.options.issuer}/guest/code`, {
        client_id: this.options.site,
        email,
        ui_locales: this.options.words.locale,
      });
    } catch (error) {
      this.#notice.textContent = '';
      this.options.onError(error as ReaderError);
      return false;
    }
    this.#sentTo = email;
    this.#input.value = '';
    this.#area.hidden = false;
    this.#notice.textContent = this.options.words.t('widget.codeSent', { email });
    this.#input.focus();
    return true;
  }

  /**
   * Before a guest login: the code to send with it (empty: none typed; the server may know of the mail's
   * link), or `waiting` when a code was only now mailed and the reader has to type it first. With
   * `required`, the first post mails the code.
   */
  async beforeLogin(): Promise<{ code: string } | 'waiting' | 'failed'> {
    if (this.options.mode === 'off') return { code: '' };
    const email = this.options.email.value.trim();
    if (this.#sentTo === email) return { code: this.#input.value.trim() };
    if (this.options.mode === 'optional' || !email) return { code: '' };
    return (await this.#ask()) ? 'waiting' : 'failed';
  }

  /** Shows the server's message about the code next to its field; false when the field is not shown. */
  showError(message: string | undefined, focus: boolean): boolean {
    if (message === undefined || this.#area.hidden) return false;
    const id = `${this.#input.id}-error`;
    this.#input.setAttribute('aria-invalid', 'true');
    this.#input.setAttribute('aria-describedby', id);
    this.#input.after(h('p', { class: 'byline-field-error', id }, message));
    if (focus) this.#input.focus();
    return true;
  }

  /** Forgets the shown error (the message element itself goes with the widget's other field errors). */
  clearError(): void {
    this.#input.removeAttribute('aria-invalid');
    this.#input.removeAttribute('aria-describedby');
  }
}
