import type { MessageKey } from './catalog.js';

/** Values for a message's `{placeholders}`: text, numbers, dates, other messages (or HTML, in views). */
export type Vars = Readonly<Record<string, unknown>>;

/** A catalog message with its values, to be put in words once the reader's locale is known. */
export class Message {
  constructor(
    readonly key: MessageKey,
    readonly vars: Vars = {},
  ) {}
}

export const msg = (key: MessageKey, vars?: Vars): Message => new Message(key, vars);

/**
 * What a reader is told: a catalog message, words that are not Byline's to translate (a site's, a
 * provider's), or several of these, one after the other.
 */
export type Text = Message | string | readonly Text[];
