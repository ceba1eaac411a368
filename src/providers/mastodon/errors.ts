import { OversizedAnswerError, RefusedUpstreamError } from '../../http/guarded-fetch.js';
import { HandleError } from '../provider.js';

/** Why an instance did not do what a Mastodon server does, said to the reader (never a body or a secret). */
export const instanceMessages = {
  notFound: (host: string) => `${host} could not be found. Check the address and try again.`,
  unreachable: (host: string) => `${host} could not be reached. Check the address, or try again later.`,
  slow: (host: string) => `${host} did not answer in time. Try again later.`,
  private: (host: string) => `${host} is on a private network, which Byline does not connect to.`,
  plainHttp: (host: string) => `${host} must be reached over https.`,
  redirects: (host: string) => `${host} sent Byline from one address to another too many times.`,
  elsewhere: (host: string, other: string) =>
    `${host} sent Byline to another server, ${other}. If your account is there, type that address instead.`,
  tooBig: (host: string) => `${host} sent an answer far too large for a fediverse server.`,
  certificate: (host: string) => `${host} does not have a valid https certificate.`,
  notMastodon: (host: string) =>
    `${host} does not look like a fediverse server that Byline can log in with (it has no Mastodon app API).`,
  broken: (host: string) => `${host} had a problem answering Byline. Try again later.`,
};

function errorCode(error: unknown): string | undefined {
  for (let e = error; e instanceof Error; e = e.cause as Error | undefined) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/**
 * What a failed call to the instance the reader named means to them: a HandleError with the reason,
 * shown at the handle input. Errors that are already HandleErrors pass through.
 */
export function readerFailure(error: unknown, host: string): HandleError {
  if (error instanceof HandleError) return error;
  const options = { cause: error };
  if (error instanceof RefusedUpstreamError) {
    const message =
      error.reason === 'plain-http'
        ? instanceMessages.plainHttp(error.host)
        : error.reason === 'redirects'
          ? instanceMessages.redirects(host)
          : instanceMessages.private(error.host);
    return new HandleError(message, options);
  }
  if (error instanceof OversizedAnswerError) return new HandleError(instanceMessages.tooBig(host), options);
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return new HandleError(instanceMessages.slow(host), options);
  const code = errorCode(error) ?? '';
  if (code === 'ENOTFOUND' || code === 'ENODATA')
    return new HandleError(instanceMessages.notFound(host), options);
  if (/^(CERT_|ERR_TLS_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|ERR_SSL)/.test(code))
    return new HandleError(instanceMessages.certificate(host), options);
  return new HandleError(instanceMessages.unreachable(host), options);
}
