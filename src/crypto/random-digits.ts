import { randomInt } from 'node:crypto';

/**
 * `length` random decimal digits from the CSPRNG, each string equally likely: `randomInt` draws by
 * rejection sampling, so no value is favoured the way `bytes % 10 ** length` would favour low ones.
 */
export function randomDigits(length: number): string {
  if (!Number.isInteger(length) || length < 1 || length > 12)
    throw new TypeError('randomDigits: 1 to 12 digits');
  return String(randomInt(0, 10 ** length)).padStart(length, '0');
}
