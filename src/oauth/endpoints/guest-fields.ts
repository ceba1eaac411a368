import type { SiteConfig } from '../../config/schema.js';
import { BylineError } from '../../http/errors.js';
import { type Message, msg } from '../../i18n/message.js';

/** What a guest typed, as the chooser redisplays it after a field error. */
export interface GuestInput {
  name?: string;
  email?: string;
  website?: string;
}

type GuestField = keyof GuestInput;

/** What is wrong with each field. */
export type FieldErrors = Partial<Record<GuestField, Message>>;

/** The form's order: the first error named is the field the reader is taken to. */
const fieldOrder: readonly GuestField[] = ['email', 'name', 'website'];

const maxNameLength = 80;

const messages = {
  notText: msg('guestError.notText'),
  tooLong: msg('guestError.tooLong'),
  nameMissing: msg('guestError.nameMissing'),
  nameTooLong: msg('guestError.nameTooLong', { max: maxNameLength }),
  nameCharacters: msg('guestError.nameCharacters'),
  nameNoLetter: msg('guestError.nameNoLetter'),
  emailMissing: msg('guestError.emailMissing'),
  emailInvalid: msg('guestError.emailInvalid'),
  websiteInvalid: msg('guestError.websiteInvalid'),
};

/**
 * Every field error of a guest form at once, so the reader fixes them in one go: `fields` has each
 * field's message, `field` (as before) the first in the form's order.
 */
export class GuestFieldsError extends BylineError {
  readonly fields: FieldErrors;

  constructor(errors: FieldErrors) {
    const fields = Object.fromEntries(
      fieldOrder.flatMap((field) => (errors[field] === undefined ? [] : [[field, errors[field]]])),
    ) as Record<GuestField, Message>;
    // The description says every message, one after the other.
    super('invalid_request', Object.values(fields), {
      extra: { field: Object.keys(fields)[0] as GuestField, fields },
    });
    this.fields = fields;
  }
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const controlCharacters = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
/**
 * Bidi embeddings, overrides and isolates: invisible, they would reorder the text around a name wherever
 * it is shown ("\u202enimda" reads "admin"). Names in any script need none of them (joiners and marks stay).
 */
const bidiControls = /[\u202a-\u202e\u2066-\u2069]/;
const emailPattern = /^[^\s@"<>(),;:\\]{1,64}@[^\s@"<>(),;:\\.]+(\.[^\s@"<>(),;:\\.]+)+$/;

/** A field's text, spaces collapsed and trimmed; undefined when empty or wrong (the error noted). */
function text(
  body: Record<string, unknown>,
  field: GuestField,
  max: number,
  errors: FieldErrors,
): string | undefined {
  const value = body[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') errors[field] = messages.notText;
  else if (value.length > max * 4) errors[field] = messages.tooLong;
  else return value.replace(/[ \t]+/g, ' ').trim() || undefined;
  return undefined;
}

function nameError(name: string | undefined, required: boolean): Message | undefined {
  if (name === undefined) return required ? messages.nameMissing : undefined;
  if (name.length > maxNameLength) return messages.nameTooLong;
  if (controlCharacters.test(name) || bidiControls.test(name) || /[<>]/.test(name) || /:\/\//.test(name))
    return messages.nameCharacters;
  if (!/[\p{L}\p{N}]/u.test(name)) return messages.nameNoLetter;
  return undefined;
}

function emailError(email: string | undefined, required: boolean): Message | undefined {
  if (email === undefined) return required ? messages.emailMissing : undefined;
  if (email.length > 254 || !emailPattern.test(email)) return messages.emailInvalid;
  return undefined;
}

/** The website as an absolute http(s) URL (`https://` added when no scheme was typed), else undefined. */
function websiteUrl(raw: string): string | undefined {
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(raw) ? raw : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return undefined;
  }
  const acceptable =
    (url.protocol === 'https:' || url.protocol === 'http:') &&
    url.hostname.includes('.') &&
    !url.username &&
    !url.password &&
    url.href.length <= 2048;
  return acceptable ? url.href : undefined;
}

/**
 * Validates a guest's name, email and website against the site's rules. Every field is checked, and
 * the errors come back together (GuestFieldsError), so the widget and the chooser can show each next
 * to its field.
 */
export function readGuestFields(
  body: Record<string, unknown>,
  rules: Pick<SiteConfig['guests'], 'requireName' | 'requireEmail'>,
): Required<GuestInput> {
  const errors: FieldErrors = {};
  const name = text(body, 'name', maxNameLength, errors);
  const email = text(body, 'email', 254, errors);
  const rawWebsite = text(body, 'website', 2048, errors);
  // A field that is not text, or far too long, keeps that first error.
  const check = (field: GuestField, message: Message | undefined) => {
    if (message !== undefined && errors[field] === undefined) errors[field] = message;
  };
  check('name', nameError(name, rules.requireName));
  check('email', emailError(email, rules.requireEmail));
  const website = rawWebsite === undefined ? '' : websiteUrl(rawWebsite);
  check('website', website === undefined ? messages.websiteInvalid : undefined);
  if (Object.keys(errors).length > 0) throw new GuestFieldsError(errors);
  return { name: name ?? 'Anonymous', email: email ?? '', website: website ?? '' };
}
