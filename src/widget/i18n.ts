/**
 * The widget's words. It holds none of its own: Byline sends them with the site's config, in the
 * reader's locale (the catalogs' `widget.*` and `guest.*` messages), so the bundle stays one size for
 * every language.
 */

/** A message, or its plural forms by Intl.PluralRules category. */
export type Entry = string | Readonly<Record<string, string>>;

type Value = string | number | Node;

export class Words {
  readonly #plural: Intl.PluralRules;

  constructor(
    readonly locale: string,
    readonly messages: Readonly<Record<string, Entry>>,
  ) {
    this.#plural = new Intl.PluralRules(locale);
  }

  /** Message `key` in pieces: its words, and each `{placeholder}`'s value (text or an element) in its place. */
  parts(key: string, vars: Readonly<Record<string, Value>> = {}): (string | Node)[] {
    let entry = this.messages[key] ?? key;
    if (typeof entry !== 'string')
      entry = entry[this.#plural.select(Number(vars.count))] ?? entry.other ?? key;
    return entry
      .split(/\{(\w+)\}/)
      .map((piece, i) => {
        if (i % 2 === 0) return piece;
        const value = vars[piece];
        if (value === undefined) return `{${piece}}`;
        return typeof value === 'number' ? value.toLocaleString(this.locale) : value;
      })
      .filter((piece) => piece !== '');
  }

  /** Message `key` as text. */
  t(key: string, vars: Readonly<Record<string, string | number>> = {}): string {
    return this.parts(key, vars).join('');
  }
}
