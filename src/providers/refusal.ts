import type { MessageKey } from '../i18n/catalog.js';
import { type Message, msg } from '../i18n/message.js';

const refusals: Readonly<Record<string, MessageKey>> = {
  'private-address': 'handle.reasonPrivate',
  'plain-http': 'handle.reasonPlainHttp',
  scheme: 'handle.reasonScheme',
  redirects: 'handle.reasonRedirects',
};

/**
 * Why the guarded fetch refused a host (RefusedUpstreamError's reason), in the reader's words. Read by
 * shape, not class: the atproto library's copies of the error come from nested packages.
 */
export function refusalReason(refused: Error): Message | string {
  const { host, reason } = refused as Error & { host?: string; reason?: string };
  const key = reason === undefined ? undefined : refusals[reason];
  return key && host ? msg(key, { host }) : refused.message;
}
