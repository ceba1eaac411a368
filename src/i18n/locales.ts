/** The locales Byline speaks, English first (its catalog defines the keys), and how each is written. */
export const locales = [
  'en',
  'es',
  'fr',
  'de',
  'it',
  'pt-BR',
  'nl',
  'pl',
  'ru',
  'uk',
  'tr',
  'ja',
  'ko',
  'zh-CN',
  'ar',
  'he',
] as const;

export type Locale = (typeof locales)[number];

export const defaultLocale: Locale = 'en';

const rightToLeft: ReadonlySet<Locale> = new Set(['ar', 'he']);

/** The `dir` of text in `locale`. */
export function direction(locale: Locale): 'ltr' | 'rtl' {
  return rightToLeft.has(locale) ? 'rtl' : 'ltr';
}
