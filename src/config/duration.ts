const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A whole number with an optional unit; a bare number is seconds (what `${VAR}` placeholders yield). */
export const DURATION_PATTERN = /^(\d+)(ms|s|m|h|d)?$/;

const EXPECTED =
  'expected a whole number followed by ms, s, m, h or d (like 500ms, 60s, 10m, 2h, 30d) or a number of seconds';

/**
 * Parses a configuration duration into milliseconds: `500ms`, `60s`, `10m`, `2h`, `30d`, or a plain
 * non-negative whole number of seconds (`60` or `'60'`). Anything else throws a `TypeError`.
 */
export function parseDuration(input: string | number): number {
  if (typeof input === 'number') {
    if (!Number.isSafeInteger(input) || input < 0)
      throw new TypeError(`invalid duration ${input}: ${EXPECTED}`);
    return checked(input * UNIT_MS.s, input);
  }
  const match = typeof input === 'string' ? DURATION_PATTERN.exec(input) : null;
  if (!match) throw new TypeError(`invalid duration ${JSON.stringify(input)}: ${EXPECTED}`);
  const [, amount = '', unit = 's'] = match;
  return checked(Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS], input);
}

function checked(ms: number, input: string | number): number {
  // Beyond this, timers and Date arithmetic silently lose precision.
  if (!Number.isSafeInteger(ms)) throw new TypeError(`invalid duration ${JSON.stringify(input)}: too long`);
  return ms;
}

/** Milliseconds in the largest unit that divides them exactly: 600000 → `10m`, 1500 → `1500ms`. */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    if (ms !== 0 && ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return ms === 0 ? '0s' : `${ms}ms`;
}
