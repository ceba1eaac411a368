// The value types the config schema is built from, with the messages admins see.
import { z } from 'zod';
import { DURATION_PATTERN, parseDuration } from './duration.js';

// One letter is enough: X's provider id is `x`.
const ID_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;
const ID_RULE = '1 to 32 characters: a lower-case letter, then lower-case letters, digits or "-"';

/** A site or provider id, as a record key. */
export const idKey = (what: 'site' | 'provider') =>
  z.string().regex(ID_PATTERN, `is not a valid ${what} id (${ID_RULE})`);

// Placeholders always yield strings, so numeric and boolean keys also take their string forms.
function fromEnv<T extends z.ZodType>(schema: T, parse: (text: string) => unknown) {
  return z.preprocess((value) => (typeof value === 'string' ? parse(value.trim()) : value), schema);
}

export const integer = (min: number, max?: number) =>
  fromEnv(max === undefined ? z.int().min(min) : z.int().min(min).max(max), (text) =>
    /^-?\d+$/.test(text) ? Number(text) : text,
  );

export const boolean = () =>
  fromEnv(z.boolean(), (text) => {
    if (text === 'true') return true;
    return text === 'false' ? false : text;
  });

const DURATION_MESSAGE = 'must be a duration like 10m, 60s or 30d';

/** `500ms`, `60s`, `10m`, `2h`, `30d` or a number of seconds, parsed to milliseconds. */
export const duration = z
  .union(
    [z.string().regex(DURATION_PATTERN, DURATION_MESSAGE), z.int(DURATION_MESSAGE).min(0, DURATION_MESSAGE)],
    { error: DURATION_MESSAGE },
  )
  .transform((value, ctx) => {
    try {
      return parseDuration(value);
    } catch {
      // The pattern let it through, but it is too long to count in milliseconds.
      ctx.issues.push({ code: 'custom', message: DURATION_MESSAGE, input: value });
      return z.NEVER;
    }
  })
  .meta({ title: 'duration' });

export const positiveDuration = duration.refine((ms) => ms > 0, 'must be longer than 0s');

export const nonEmpty = z.string().min(1);

/** An empty string means "not set", so that `${VAR:-}` can switch a secret off. */
export const optionalSecret = (minLength?: number) =>
  (minLength
    ? z.union(
        [
          z.literal(''),
          z.string().min(minLength, `must be at least ${minLength} characters (or empty for none)`),
        ],
        { error: (issue) => (issue.code === 'invalid_union' ? 'must be a string' : undefined) },
      )
    : z.string()
  )
    .optional()
    .transform((value) => value || undefined);

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

export function isHttpUrl(value: string): boolean {
  const protocol = parseUrl(value)?.protocol;
  return protocol === 'http:' || protocol === 'https:';
}

/** An absolute http(s) URL without a fragment, kept exactly as written (redirect URIs are compared as strings). */
export const httpUrl = () =>
  z.string().check((ctx) => {
    let message: string | undefined;
    if (!parseUrl(ctx.value)) message = 'must be an absolute URL';
    else if (!isHttpUrl(ctx.value)) message = 'must be an http:// or https:// URL';
    else if (ctx.value.includes('#')) message = 'must not contain a fragment (#...)';
    if (message) ctx.issues.push({ code: 'custom', message, input: ctx.value });
  });

// Nothing after the authority but an optional lone slash: no path, query or fragment.
const BARE_ORIGIN = /^https?:\/\/[^/?#@]+\/?$/i;

/** `scheme://host[:port]`, output as URL.origin (so `https://Blog.example:443/` → `https://blog.example`). */
export const bareOrigin = (message: string) =>
  z.string().transform((value, ctx) => {
    if (!BARE_ORIGIN.test(value) || !parseUrl(value)) {
      ctx.issues.push({ code: 'custom', message, input: value });
      return z.NEVER;
    }
    return new URL(value).origin;
  });

export const redisUrl = () =>
  z
    .string()
    .refine(
      (value) => ['redis:', 'rediss:'].includes(parseUrl(value)?.protocol ?? ''),
      'must be a redis:// or rediss:// URL',
    );

/**
 * Messages for a discriminated union whose `key` is missing or has an unknown value; its other
 * issues (such as a value that is not a mapping) keep the usual wording.
 */
export const discriminatorError =
  (key: string, values: readonly string[], whenMissing: string): z.core.$ZodErrorMap =>
  (issue) => {
    if (issue.code !== 'invalid_union') return undefined;
    const { input } = issue;
    if (input !== null && typeof input === 'object' && !(key in input)) return whenMissing;
    return `must be one of ${values.map((value) => JSON.stringify(value)).join(', ')}`;
  };
