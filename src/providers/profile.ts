/** Helpers that turn whatever a provider sends into safe Identity fields. */

/** An http(s) URL, or undefined: a `javascript:` picture or website must never reach a comment page. */
export function safeUrl(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 2048) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** A trimmed, single-line string of at most `max` characters, or undefined when empty. */
export function cleanText(value: unknown, max = 200): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .trim();
  return text ? text.slice(0, max) : undefined;
}

export function cleanEmail(value: unknown): string | undefined {
  const text = cleanText(value, 254);
  return text && /^[^\s@]+@[^\s@]+$/.test(text) ? text : undefined;
}
