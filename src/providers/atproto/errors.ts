import { RefusedUpstreamError } from '../../http/guarded-fetch.js';
import { HandleError, isUnreachable, UpstreamUnavailableError } from '../provider.js';

/** A handle (`alice.bsky.social`, `@alice.example.com`) or a DID as the reader typed it, in the form the library takes. */
export function readerHandle(input: string | undefined): string {
  const typed = input?.trim().replace(/^@/, '') ?? '';
  // Handles are case-insensitive; a did:web keeps its `%3A` (a port) as written.
  const handle = typed.startsWith('did:') ? typed : typed.toLowerCase();
  if (!handle) throw new HandleError('Type your handle, such as alice.bsky.social.');
  // A domain name (atproto handles are), or a did:plc / did:web.
  const domain = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
  const did = /^did:(plc:[a-z2-7]{24}|web:[a-zA-Z0-9.%-]{1,253})$/;
  if (handle.length > 253 || !(domain.test(handle) || did.test(handle)))
    throw new HandleError(
      'That is not a handle: a handle looks like alice.bsky.social or your own domain name.',
    );
  return handle;
}

/** Whether `error`, or an error it was caused by, is named `name` (the library's classes come from nested packages). */
function causedBy(error: unknown, name: string): boolean {
  for (let e = error; e instanceof Error; e = e.cause) if (e.name === name) return true;
  return false;
}

/**
 * What a failed leg of an atproto login is to Byline: a handle that names no account, or a server the
 * guarded fetch refused (a private address), is HandleError; the reader's server out of reach is
 * UpstreamUnavailableError (`temporarily_unavailable`); anything else stays as it is (a failed login).
 */
export function atprotoFailure(error: unknown, handle?: string): Error {
  if (error instanceof HandleError) return error;
  // Refused before any connection: a handle (or a server it names) that points off the public Internet.
  for (let e = error; e instanceof Error; e = e.cause)
    if (e instanceof RefusedUpstreamError)
      return new HandleError(`${handle ?? 'This account'} cannot be used here: ${e.message}.`, {
        cause: error,
      });
  if (isUnreachable(error))
    return new UpstreamUnavailableError('the atproto server could not be reached', { cause: error });
  if (
    handle !== undefined &&
    (causedBy(error, 'HandleResolverError') || causedBy(error, 'IdentityResolverError'))
  )
    return new HandleError(`No account answers to ${handle}. Check the handle and try again.`, {
      cause: error,
    });
  return error instanceof Error ? error : new Error(String(error));
}
