/**
 * The guest fields in the comment form (email, name, website, and on sites that verify addresses the
 * mailed code), each error shown next to its field, and the guest login (`POST /guest`).
 */
import { EmailCode } from './email-code.js';
import type { Widget } from './form-widget.js';
import { post, type ReaderError } from './oauth.js';
import { h, Shown } from './ui.js';

export type GuestField = 'email' | 'name' | 'website';

/** The guest fields, in the form's order (`widget.guest` holds their inputs in that order too). */
export function guestFields(widget: Widget): HTMLElement {
  const { config, words } = widget;
  const { guests } = config;
  const fields = h('div', { class: 'byline-guest' });
  const field = (name: GuestField, label: string, type: string, required: boolean, note?: string) => {
    const id = `byline-${widget.n}-${name}`;
    const input = h('input', { id, type, autocomplete: name === 'website' ? 'url' : name });
    if (required) input.setAttribute('aria-required', 'true');
    widget.guest[name] = input;
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
  const { email } = widget.guest;
  if (email && guests.verifyEmail && guests.verifyEmail !== 'off') {
    widget.emailCode = new EmailCode({
      issuer: config.issuer,
      site: widget.site,
      mode: guests.verifyEmail,
      n: widget.n,
      words,
      email,
      onError: (error) => {
        clearErrors(widget);
        if (!showGuestError(widget, error)) widget.error.textContent = widget.say(error);
      },
    });
    fields.append(widget.emailCode.root);
  }
  return fields;
}

/** Shows each message next to its guest field, all at once, and focuses the first; false if none is shown. */
function fieldErrors(widget: Widget, errors: Readonly<Record<string, string>>): boolean {
  if (widget.out.hidden) return false;
  let first: HTMLInputElement | undefined;
  // widget.guest holds the fields in the form's order.
  for (const [name, input] of Object.entries(widget.guest)) {
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

/** Forgets every error shown: the form's and each field's. */
export function clearErrors(widget: Widget): void {
  widget.error.textContent = '';
  widget.emailCode?.clearError();
  for (const input of Object.values(widget.guest)) {
    input.removeAttribute('aria-invalid');
    input.removeAttribute('aria-describedby');
  }
  widget.root.querySelectorAll('.byline-field-error').forEach((old) => {
    old.remove();
  });
}

/** Shows a guest request's field errors, the code's included; false when none was a field's. */
function showGuestError(widget: Widget, error: ReaderError): boolean {
  const fields = error.fields ?? (error.field ? { [error.field]: error.message } : {});
  const shown = fieldErrors(widget, fields);
  return widget.emailCode?.showError(fields.code, !shown) || shown;
}

/** Logs in as a guest with what the fields say; field errors are shown there (and throw Shown). */
export async function guestLogin(widget: Widget): Promise<string> {
  const value = (name: GuestField) => widget.guest[name]?.value.trim() ?? '';
  // A site that verifies addresses: a code only now mailed is awaited (the reader types it, posts again).
  const verification = (await widget.emailCode?.beforeLogin()) ?? { code: '' };
  if (typeof verification === 'string') throw new Shown();
  try {
    const tokens = await post(`${widget.config.issuer}/guest`, {
      client_id: widget.site,
      name: value('name'),
      email: value('email'),
      website: value('website'),
      ...(verification.code ? { code: verification.code } : {}),
      // Byline answers field errors in the reader's language.
      ui_locales: widget.config.locale,
    });
    return widget.setTokens(tokens);
  } catch (error) {
    if (showGuestError(widget, error as ReaderError)) throw new Shown();
    throw error;
  }
}
