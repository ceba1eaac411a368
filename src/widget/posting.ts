/**
 * Posting the comment: the form's own submit gets a fresh token (logging the reader in if needed) in
 * its hidden `byline_token` field, then goes to the site's backend; the draft is cleared only once the
 * backend accepts it.
 */
import { clearDraft, saveDraft } from './drafts.js';
import type { Widget } from './form-widget.js';
import { clearErrors } from './guest-form.js';
import { ReaderError } from './oauth.js';
import { Shown } from './ui.js';

export async function submit(widget: Widget, event: SubmitEvent): Promise<void> {
  const { form } = widget;
  if (form.dataset.bylineSubmit === 'manual') return;
  event.preventDefault();
  if (widget.busy) return;
  widget.busy = true;
  clearErrors(widget);
  saveDraft(widget);
  try {
    widget.hidden.value = await widget.token();
    const action = new URL(form.getAttribute('action') || location.href, document.baseURI);
    if (action.origin !== location.origin) {
      // Another origin's backend: a plain form post, whose answer the widget cannot see.
      clearDraft(widget);
      HTMLFormElement.prototype.submit.call(form);
      return;
    }
    await send(widget, action.href, event.submitter);
  } catch (error) {
    if (!(error instanceof Shown)) widget.error.textContent = widget.say(error as Error);
  } finally {
    widget.busy = false;
  }
}

/** Posts the form to the site's backend (same origin) and follows where it answers from. */
async function send(widget: Widget, action: string, submitter: HTMLElement | null): Promise<void> {
  const { form } = widget;
  const data = new FormData(form, submitter);
  const multipart = form.enctype === 'multipart/form-data';
  const response = await fetch(action, {
    method: 'POST',
    body: multipart ? data : new URLSearchParams(data as unknown as Record<string, string>),
    credentials: 'same-origin',
  }).catch(() => {
    throw ReaderError.say('widget.notSent');
  });
  if (response.ok) {
    clearDraft(widget);
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
    widget.forget();
    throw ReaderError.say('widget.expired');
  }
  // The backend's reason is the site's own words.
  throw ReaderError.say('widget.notPosted', {
    reason: body.error_description || widget.words.t('widget.siteAnswered', { status: `${response.status}` }),
  });
}
