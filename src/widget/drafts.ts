/**
 * Drafts: nothing the reader typed is lost. The comment form's fields and the guest fields are kept in
 * sessionStorage on every input, put back when the page comes again (a redirect login, a reload), and
 * cleared only once the site's backend accepted the comment.
 */
import type { Widget } from './form-widget.js';
import type { GuestField } from './guest-form.js';
import { load, save } from './store.js';

interface Draft {
  fields: Record<string, string>;
  guest: Record<string, string>;
}

const fieldTypes = /^(text|email|url|search|tel|number|textarea|select-one)$/;

export function saveDraft(widget: Widget): void {
  const draft: Draft = { fields: {}, guest: {} };
  for (const element of Array.from(widget.form.elements) as HTMLInputElement[]) {
    if (element.name && element.name !== 'byline_token' && fieldTypes.test(element.type) && element.value)
      draft.fields[element.name] = element.value;
  }
  for (const [name, input] of Object.entries(widget.guest)) if (input.value) draft.guest[name] = input.value;
  save(widget.draftKey, draft);
}

export function restoreDraft(widget: Widget): void {
  const draft = load<Draft>(widget.draftKey);
  if (!draft) return;
  for (const [name, value] of Object.entries(draft.fields)) {
    const element = widget.form.elements.namedItem(name) as HTMLInputElement | null;
    if (element && 'value' in element && !element.value) element.value = value;
  }
  for (const [name, value] of Object.entries(draft.guest)) {
    const input = widget.guest[name as GuestField];
    if (input && !input.value) input.value = value;
  }
}

export function clearDraft(widget: Widget): void {
  save(widget.draftKey, undefined);
}
