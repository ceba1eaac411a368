import type { en } from './catalogs/en.js';

/** A message whose words depend on a number, `{count}`: one form per plural category the language uses. */
type Plural = { readonly other: string } & Readonly<
  Partial<Record<'zero' | 'one' | 'two' | 'few' | 'many', string>>
>;

export type Entry = string | Plural;

/** The English catalog defines the keys; every other catalog has exactly these. */
export type MessageKey = keyof typeof en;

/** A catalog: every key, a plural where English has one, a plain message where English has one. */
export type Catalog = { readonly [K in MessageKey]: (typeof en)[K] extends string ? string : Plural };
