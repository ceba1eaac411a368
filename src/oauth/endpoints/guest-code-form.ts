import type { SiteConfig } from '../../config/schema.js';
import { type Html, html } from '../../http/views.js';
import { type Message, msg } from '../../i18n/message.js';

/** The chooser's guest form as it came back: a mailed code to ask for, what to say, a code error. */
export interface CodeFormState {
  /** A code was mailed: the form asks for it. */
  codeSent?: boolean;
  /** Said above the code field (that the code was mailed, and where to), in the reader's language. */
  notice?: string;
  errors?: { code?: string };
}

/** The words of the code part. */
const words = {
  continueAsGuest: msg('guest.continueAsGuest'),
  sendCode: msg('guest.sendCode'),
  confirmOptional: msg('guest.confirmEmail'),
  requiredNote: msg('guest.codeRequiredNote'),
  codeLabel: msg('guest.codeLabel'),
  continue: msg('guest.continue'),
  sendNew: msg('guest.sendNewCode'),
};

/**
 * The end of the chooser's guest form: its buttons and, once a code was mailed, the code field. It
 * works without JavaScript: "Send me a code" posts the form with `send_code`, and the form that comes
 * back carries `code_sent` and asks for the code (not `required`: a reader who used the mail's link
 * continues without one).
 */
export function guestFormActions(
  mode: SiteConfig['guests']['verifyEmail'],
  state: CodeFormState | undefined,
  focusCode: boolean,
  t: (message: Message) => Html,
): Html {
  if (mode === 'off') return html`<button type="submit">${t(words.continueAsGuest)}</button>`;
  if (!state?.codeSent)
    return mode === 'required'
      ? html`<p class="muted">${t(words.requiredNote)}</p><button type="submit" name="send_code" value="1">${t(words.sendCode)}</button>`
      : html`<div class="answers"><button type="submit">${t(words.continueAsGuest)}</button><button type="submit" name="send_code" value="1" class="secondary">${t(words.confirmOptional)}</button></div>`;
  const error = state.errors?.code;
  return html`<input type="hidden" name="code_sent" value="1">
${state.notice ? html`<p class="notice" role="status">${state.notice}</p>` : ''}
<div class="field"><label for="guest-code">${t(words.codeLabel)}</label><input id="guest-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="12"${error ? html` aria-invalid="true" aria-describedby="guest-code-error"` : ''}${focusCode ? html` autofocus` : ''}>${error ? html`<p class="field-error" id="guest-code-error">${error}</p>` : ''}</div>
<div class="answers"><button type="submit">${t(words.continue)}</button><button type="submit" name="send_code" value="1" class="secondary" formnovalidate>${t(words.sendNew)}</button></div>`;
}
