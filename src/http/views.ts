import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Response } from 'express';
import { packageRoot } from '../config/load.js';
import type { MessageKey } from '../i18n/catalog.js';
import { direction, type Locale } from '../i18n/locales.js';
import { Message } from '../i18n/message.js';
import { localeOf } from '../i18n/request-locale.js';
import { formatMessage, translate, valueText } from '../i18n/translate.js';
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

/** A value as HTML: Html as it is, messages (one or several) in `locale`'s words, anything else escaped. */
function valueHtml(locale: Locale, value: unknown, text: (value: unknown) => string): string {
  if (value instanceof Html) return value.html;
  if (value instanceof Message) return translateHtml(locale, value).html;
  if (Array.isArray(value)) return value.map((part) => valueHtml(locale, part, text)).join(' ');
  return escapeHtml(text(value));
}

/**
 * A catalog message as HTML: its own words escaped, HTML values (a `<bdi>` name, a link) kept as they
 * are. In a right-to-left language each plain value (an address, a site's name: often Latin) is its
 * own `<bdi>`, so its direction cannot reorder the sentence around it.
 */
export function translateHtml(locale: Locale, message: Message): Html {
  const isolate = direction(locale) === 'rtl';
  const value = (v: unknown) => {
    const out = valueHtml(locale, v, (plain) => valueText(locale, plain));
    return isolate && !(v instanceof Html) && !(v instanceof Message) && !Array.isArray(v)
      ? `<bdi>${out}</bdi>`
      : out;
  };
  return new Html(formatMessage(locale, message.key, message.vars, escapeHtml, value));
}

/** Catalog messages as HTML in the language of `res` (for fragments built with `html`). */
export function translator(res: Response): (message: Message) => Html {
  const locale = localeOf(res);
  return (message) => translateHtml(locale, message);
}

/**
 * Replaces `{{name}}` with the escaped value (a Message in the reader's words; Html as it is) and
 * `{{t:key}}` with catalog message `key`, its placeholders filled from the same values.
 */
function fill(text: string, vars: ViewVars, locale: Locale): string {
  return text.replace(/\{\{(t:)?([\w.]+)\}\}/g, (_match, translated: string | undefined, key: string) => {
    if (translated) return translateHtml(locale, new Message(key as MessageKey, vars)).html;
    return valueHtml(locale, vars[key], (plain) => String(plain ?? ''));
  });
}

/**
 * Renders `views/<name>.html` inside `views/layout.html`, with the response's CSP nonce, in the reader's
 * locale (layout.html's `lang` and `dir`).
 */
export function renderPage(name: string, vars: ViewVars, res: Response): string {
  const nonce = pageNonce(res);
  const locale = localeOf(res);
  const body = fill(template(name), { ...vars, nonce }, locale);
  // <title> holds text only: a message there is plain words (no <bdi>).
  const title = vars.title instanceof Message ? translate(locale, vars.title) : (vars.title ?? 'Byline');
  return fill(
    template('layout'),
    {
      ...vars,
      title,
      nonce,
      lang: locale,
      dir: direction(locale),
      body: new Html(body),
    },
    locale,
  );
}
