/**
 * What a reader sees of a page, and the English left in it. For a locale that is not written in Latin
 * script (ja, ar, …) every Latin word must be one its own catalog keeps (Byline, OpenID Connect,
 * redirect_uri) or one the test names (the reader's name, the site's, the providers'): an English
 * literal anywhere outside the catalogs is found.
 */
import type { Entry } from '../../src/i18n/catalog.js';
import { catalogs } from '../../src/i18n/catalogs/index.js';
import type { Locale } from '../../src/i18n/locales.js';

const latinWords = (text: string): string[] => text.match(/[A-Za-z][A-Za-z’'_-]*[A-Za-z]/g) ?? [];

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' };
const decode = (text: string) =>
  text.replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, name: string) => entities[name] ?? '');

/**
 * The words of an HTML page a reader sees: its text, and the attributes read out or shown (title, alt,
 * aria-label, placeholder). Styles and scripts are not words; `<code>` holds codes and URLs, not words.
 */
export function visibleText(html: string): string[] {
  const attributes = [...html.matchAll(/\s(?:title|alt|aria-label|placeholder)="([^"]*)"/g)].map((match) =>
    decode(match[1] as string),
  );
  const text = html
    .replace(/<(style|script|code)\b[^>]*>[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .split(/\s*\n\s*/)
    .map((line) => decode(line).trim())
    .filter(Boolean);
  return [...text, ...attributes];
}

/** The Latin words in `texts` that neither `locale`'s catalog nor `allowed` has. */
export function leftoverEnglish(
  texts: readonly string[],
  locale: Locale,
  allowed: readonly string[] = [],
): string[] {
  const known = new Set<string>();
  for (const entry of Object.values(catalogs[locale]) as Entry[])
    for (const text of typeof entry === 'string' ? [entry] : Object.values(entry))
      for (const word of latinWords(text)) known.add(word.toLowerCase());
  for (const text of allowed) for (const word of latinWords(text)) known.add(word.toLowerCase());
  return [...new Set(texts.flatMap(latinWords).filter((word) => !known.has(word.toLowerCase())))];
}
