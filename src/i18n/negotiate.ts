import { defaultLocale, type Locale, locales } from './locales.js';

/** Each locale by its language subtag: the best fit for any region or script of that language. */
const byLanguage = new Map<string, Locale>(locales.map((locale) => [locale.split('-')[0] as string, locale]));
// Hebrew's deprecated code, still sent by old Java and Android systems.
byLanguage.set('iw', 'he');

const exact = new Map<string, Locale>(locales.map((locale) => [locale.toLowerCase(), locale]));

/**
 * The supported locale for one BCP 47 tag, by best fit: the tag itself, else its language (pt-PT and
 * pt → pt-BR, zh, zh-Hans and zh-TW → zh-CN, en-GB → en). Undefined for anything else (`*`, `x-…`,
 * a language Byline does not speak, text that is not a tag).
 */
export function matchLocale(tag: string): Locale | undefined {
  const normalised = tag.trim().replace(/_/g, '-').toLowerCase();
  if (!/^[a-z]{2,3}(-[a-z0-9]{1,8})*$/.test(normalised)) return undefined;
  return exact.get(normalised) ?? byLanguage.get(normalised.split('-')[0] as string);
}

/** A list of tags in order of preference (`ui_locales` is space-separated; commas are taken too). */
function firstMatch(list: string | undefined): Locale | undefined {
  if (!list) return undefined;
  for (const tag of list.split(/[\s,]+/).slice(0, 20)) {
    const locale = matchLocale(tag);
    if (locale) return locale;
  }
  return undefined;
}

/**
 * The tags of an Accept-Language header (RFC 9110 §12.5.4) from the most wanted down: by q-value, in
 * the header's order among equals; `q=0` (not acceptable) and malformed entries are left out.
 */
export function acceptedLanguages(header: string | undefined): string[] {
  if (!header) return [];
  const entries: { tag: string; q: number }[] = [];
  for (const part of header.split(',').slice(0, 50)) {
    const [tag = '', ...parameters] = part.split(';').map((piece) => piece.trim());
    let q = 1;
    for (const parameter of parameters) {
      const match = /^q=(0(\.\d{0,3})?|1(\.0{0,3})?)$/i.exec(parameter);
      q = match ? Number(match[1]) : Number.NaN;
    }
    if (tag && !Number.isNaN(q) && q > 0) entries.push({ tag, q });
  }
  // Array.prototype.sort is stable: equal q-values keep the header's order.
  return entries.sort((a, b) => b.q - a.q).map((entry) => entry.tag);
}

/** Where a reader's language can come from, in the order they are tried. */
export interface LocaleSources {
  /** The widget's `data-byline-lang` (the site's explicit choice for its form). */
  attribute?: string | undefined;
  /** The blog page's `<html lang>`. */
  page?: string | undefined;
  /** OpenID Connect `ui_locales`: space-separated tags in order of preference. */
  uiLocales?: string | undefined;
  /** The browser's Accept-Language header. */
  acceptLanguage?: string | undefined;
}

/**
 * The reader's locale: the first source that names a locale Byline speaks (a source naming only others
 * is passed over), else English.
 */
export function negotiateLocale(sources: LocaleSources): Locale {
  return (
    firstMatch(sources.attribute) ??
    firstMatch(sources.page) ??
    firstMatch(sources.uiLocales) ??
    acceptedLanguages(sources.acceptLanguage)
      .map(matchLocale)
      .find((locale) => locale !== undefined) ??
    defaultLocale
  );
}
