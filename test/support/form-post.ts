import { escapeHtml } from './double-http.js';

/**
 * A provider's answer with `response_mode=form_post` (OAuth 2.0 Form Post Response Mode): a page whose
 * form of hidden fields posts itself to the redirect URI.
 */
export function formPostPage(action: string, fields: Record<string, string>, title = 'Continue'): string {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}" />`)
    .join('');
  return `<!DOCTYPE html><html><head><title>${escapeHtml(title)}</title></head><body><form method="post" action="${escapeHtml(action)}">${inputs}</form><script type="text/javascript">document.forms[0].submit();</script></body></html>`;
}

/** The `action` and hidden fields of a page's first form (a provider's or Byline's re-post), entity-decoded. */
export function postedForm(page: string): { action: string; fields: Record<string, string> } {
  const decode = (text: string) =>
    text
      .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  const action = decode(/<form[^>]*action="([^"]*)"/.exec(page)?.[1] ?? '');
  const fields: Record<string, string> = {};
  for (const [, name = '', value = ''] of page.matchAll(
    /<input type="hidden" name="([^"]*)" value="([^"]*)"/g,
  ))
    fields[decode(name)] = decode(value);
  return { action, fields };
}
