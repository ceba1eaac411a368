/** Seconds in each unit, largest first; months and years are their average lengths (close enough to say "2 months ago"). */
const units: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365.25 * 86_400],
  ['month', 30.44 * 86_400],
  ['week', 7 * 86_400],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
];

/**
 * When something happened, relative to now in the locale's words: "now", "12 seconds ago",
 * "5 minutes ago", "yesterday", "3 weeks ago". The largest unit that fits, whole units only.
 */
export function relativeTime(at: Date, now: number, locale: string): string {
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const seconds = (at.getTime() - now) / 1000;
  for (const [unit, size] of units)
    if (Math.abs(seconds) >= size) return format.format(Math.trunc(seconds / size), unit);
  return format.format(Math.trunc(seconds), 'second');
}

/** The full date and time, for a tooltip: "December 6, 2026 at 3:32:04 AM UTC". */
export function absoluteTime(at: Date, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'long', timeZone: 'UTC' }).format(
    at,
  );
}
