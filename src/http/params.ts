import { msg } from '../i18n/message.js';
import { BylineError } from './errors.js';

type Params = Record<string, unknown> | undefined;

/**
 * One parameter as a single string. A repeated parameter (`state=a&state=b`, `state[]=`) is refused: RFC
 * 6749 §3.1 forbids repeats, and arrays are how type confusion attacks start.
 */
export function param(params: Params, name: string, options: { max?: number } = {}): string | undefined {
  const value = params?.[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string')
    throw new BylineError('invalid_request', msg('error.paramRepeated', { name }));
  if (value.length > (options.max ?? 2048))
    throw new BylineError('invalid_request', msg('error.paramTooLong', { name }));
  return value;
}

export function requiredParam(params: Params, name: string, options: { max?: number } = {}): string {
  const value = param(params, name, options);
  if (value === undefined) throw new BylineError('invalid_request', msg('error.paramMissing', { name }));
  return value;
}
