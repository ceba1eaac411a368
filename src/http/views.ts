import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Response } from 'express';
import { packageRoot } from '../config/load.js';
import { pageNonce } from './security.js';

const viewsDir = join(packageRoot, 'views');
const cache = new Map<string, string>();

function template(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(join(viewsDir, `${name}.html`), 'utf8');
    cache.set(name, text);
  }
  return text;
}

const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (ch) => entities[ch] as string);
}

/** Marks a fragment that is already HTML (built from escaped parts), so `fill` leaves it alone. */
export class Html {
  constructor(readonly html: string) {}
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    const rendered = Array.isArray(value)
      ? value.map((v) => (v instanceof Html ? v.html : escapeHtml(v))).join('')
      : value instanceof Html
        ? value.html
        : escapeHtml(value);
    out += rendered + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

/** JSON that is safe inside a <script> element: no `<`, so no `</script>` can end it early. */
export function scriptJson(value: unknown): Html {
  return new Html(
    JSON.stringify(value)
      .replace(/</g, '\\u003c')
      .replace(/\u2028|\u2029/g, ''),
  );
}

export type ViewVars = Record<string, unknown>;

/** Replaces `{{name}}` with the escaped value; Html values are inserted as they are. */
function fill(text: string, vars: ViewVars): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_match, key: string) => {
    const value = vars[key];
    return value instanceof Html ? value.html : escapeHtml(value);
  });
}

/** Renders `views/<name>.html` inside `views/layout.html`, with the response's CSP nonce. */
export function renderPage(name: string, vars: ViewVars, res: Response): string {
  const nonce = pageNonce(res);
  const body = fill(template(name), { ...vars, nonce });
  return fill(template('layout'), { title: vars.title ?? 'Byline', ...vars, nonce, body: new Html(body) });
}
