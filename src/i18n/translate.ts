import type { Entry, MessageKey } from './catalog.js';
import { catalogs } from './catalogs/index.js';
import { defaultLocale, type Locale } from './locales.js';
import { Message, type Text, type Vars } from './message.js';

const pluralRules = new Map<Locale, Intl.PluralRules>();

/** The words of `entry` for `count`, by the language's plural rules (Intl.PluralRules). */
function pluralForm(locale: Locale, entry: Entry, count: unknown): string {
  if (typeof entry === 'string') return entry;
  let rules = pluralRules.get(locale);
  if (!rules) {
    rules = new Intl.PluralRules(locale);
    pluralRules.set(locale, rules);
  }
  const category = rules.select(Number(count)) as keyof typeof entry;
  return entry[category] ?? entry.other;
}

/** A placeholder's value as text: numbers and dates written the locale's way, messages translated. */
export function valueText(locale: Locale, value: unknown): string {
  if (value instanceof Message) return translate(locale, value);
  if (typeof value === 'number') return new Intl.NumberFormat(locale).format(value);
  if (value instanceof Date)
    return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'long', timeZone: 'UTC' }).format(
      value,
    );
  return String(value ?? '');
}

/**
 * Message `key` in `locale`, `literal` applied to its own words and `value` to each placeholder's value
 * (views escape the one and keep HTML in the other). A placeholder without a value stays as written.
 */
export function formatMessage(
  locale: Locale,
  key: MessageKey,
  vars: Vars,
  literal: (text: string) => string,
  value: (value: unknown) => string,
): string {
  const template = pluralForm(locale, catalogs[locale][key], vars.count);
  let out = '';
  let last = 0;
  for (const match of template.matchAll(/\{(\w+)\}/g)) {
    const name = match[1] as string;
    if (!(name in vars)) continue;
    out += literal(template.slice(last, match.index)) + value(vars[name]);
    last = match.index + match[0].length;
  }
  return out + literal(template.slice(last));
}

/** Plain text for the reader: a catalog message in `locale`, or text that is not ours as it is. */
export function translate(locale: Locale, text: Text): string {
  if (typeof text === 'string') return text;
  if (!(text instanceof Message)) return text.map((part) => translate(locale, part)).join(' ');
  return formatMessage(
    locale,
    text.key,
    text.vars,
    (words) => words,
    (value) => valueText(locale, value),
  );
}

/** English: what logs, and callers that never see a reader (OAuth error descriptions), get. */
export const english = (text: Text): string => translate(defaultLocale, text);
