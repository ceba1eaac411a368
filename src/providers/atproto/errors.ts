import { domainName } from '../../domain-name.js';
import { msg } from '../../i18n/message.js';
import { HandleError, isUnreachable, UpstreamUnavailableError } from '../provider.js';
import { refusalReason } from '../refusal.js';

/** A handle (`alice.bsky.social`, `@alice.example.com`) or a DID as the reader typed it, in the form the library takes. */
export function readerHandle(input: string | undefined): string {
  const typed = input?.trim().replace(/^@/, '') ?? '';
  // Handles are case-insensitive; a did:web keeps its `%3A` (a port) as written.
  const handle = typed.startsWith('did:') ? typed : typed.toLowerCase();
  if (!handle) throw new HandleError(msg('handle.atprotoEmpty'));
  // A domain name whose last label begins with a letter (atproto handles are), or a did:plc / did:web.
  const domain = domainName.test(handle) && /\.[a-z][^.]*$/.test(handle);
  const did = /^did:(plc:[a-z2-7]{24}|web:[a-zA-Z0-9.%-]{1,253})$/;
  if (handle.length > 253 || !(domain || did.test(handle)))
    throw new HandleError(msg('handle.atprotoInvalid'));
  return handle;
}

/**
 * The first error in `error`'s cause chain of one of the classes `names`, by name: the library's come from
 * nested packages, and several set no `name` of their own.
 */
function causeNamed(error: unknown, ...names: string[]): Error | undefined {
  for (let e = error; e instanceof Error; e = e.cause)
    if (names.includes(e.name) || names.includes(e.constructor.name)) return e;
  return undefined;
}

/**
 * Why a login could not begin with `handle`, for the reader at the chooser's input (HandleError): it
 * points off the public Internet (the guarded fetch refused it), names no account (the handle or its DID
 * does not resolve, or not back to each other), or its server is out of reach, too slow, too big or not
 * an atproto server. Anything else (Byline's own client refused by the server, say) stays a failure.
 */
export function startFailure(error: unknown, handle: string): Error {
  if (error instanceof HandleError) return error;
  const refused = causeNamed(error, 'RefusedUpstreamError');
  if (refused)
    return new HandleError(msg('handle.atprotoRefused', { handle, reason: refusalReason(refused) }), {
      cause: error,
    });
  if (causeNamed(error, 'HandleResolverError', 'IdentityResolverError', 'DidError'))
    return new HandleError(msg('handle.atprotoNoAccount', { handle }), { cause: error });
  if (isUnreachable(error))
    return new HandleError(msg('handle.atprotoUnreachable', { handle }), { cause: error });
  if (causeNamed(error, 'OversizedAnswerError', 'OAuthResolverError'))
    return new HandleError(msg('handle.atprotoNotServer', { handle }), { cause: error });
  return error instanceof Error ? error : new Error(String(error));
}

/** A failed callback: the reader's server out of reach is UpstreamUnavailableError (`temporarily_unavailable`). */
export function finishFailure(error: unknown): Error {
  if (isUnreachable(error))
    return new UpstreamUnavailableError('the atproto server could not be reached', { cause: error });
  return error instanceof Error ? error : new Error(String(error));
}
