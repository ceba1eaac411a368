import type { SiteConfig } from '../../config/schema.js';
import { type Html, html } from '../../http/views.js';

/** The chooser's guest form as it came back: a mailed code to ask for, what to say, a code error. */
export interface CodeFormState {
  /** A code was mailed: the form asks for it. */
  codeSent?: boolean;
  /** Said above the code field (that the code was mailed, and where to). */
  notice?: string;
  errors?: { code?: string };
}

/** The words of the code part (English; the locale catalogs will hold them, issue 17 item 2). */
const words = {
  continueAsGuest: 'Continue as guest',
  sendCode: 'Send me a code',
  confirmOptional: 'Confirm my email address',
  requiredNote: 'This site mails you a code to confirm your email address.',
  codeLabel: 'Code from the mail',
  continue: 'Continue',
  sendNew: 'Send a new code',
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
): Html {
  if (mode === 'off') return html`<button type="submit">${words.continueAsGuest}</button>`;
  if (!state?.codeSent)
    return mode === 'required'
      ? html`<p class="muted">${words.requiredNote}</p><button type="submit" name="send_code" value="1">${words.sendCode}</button>`
      : html`<div class="answers"><button type="submit">${words.continueAsGuest}</button><button type="submit" name="send_code" value="1" class="secondary">${words.confirmOptional}</button></div>`;
  const error = state.errors?.code;
  return html`<input type="hidden" name="code_sent" value="1">
${state.notice ? html`<p class="notice" role="status">${state.notice}</p>` : ''}
<div class="field"><label for="guest-code">${words.codeLabel}</label><input id="guest-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="12"${error ? html` aria-invalid="true" aria-describedby="guest-code-error"` : ''}${focusCode ? html` autofocus` : ''}>${error ? html`<p class="field-error" id="guest-code-error">${error}</p>` : ''}</div>
<div class="answers"><button type="submit">${words.continue}</button><button type="submit" name="send_code" value="1" class="secondary" formnovalidate>${words.sendNew}</button></div>`;
}
