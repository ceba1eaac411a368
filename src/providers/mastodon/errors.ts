import { OversizedAnswerError, RefusedUpstreamError } from '../../http/guarded-fetch.js';
import { msg } from '../../i18n/message.js';
import { HandleError } from '../provider.js';

/** Why an instance did not do what a Mastodon server does, said to the reader (never a body or a secret). */
export const instanceMessages = {
  notFound: (host: string) => msg('handle.serverNotFound', { host }),
  unreachable: (host: string) => msg('handle.serverUnreachable', { host }),
  slow: (host: string) => msg('handle.serverSlow', { host }),
  private: (host: string) => msg('handle.serverPrivate', { host }),
  plainHttp: (host: string) => msg('handle.serverPlainHttp', { host }),
  redirects: (host: string) => msg('handle.serverRedirects', { host }),
  elsewhere: (host: string, other: string) => msg('handle.serverElsewhere', { host, other }),
  tooBig: (host: string) => msg('handle.serverTooBig', { host }),
  certificate: (host: string) => msg('handle.serverCertificate', { host }),
  notMastodon: (host: string) => msg('handle.notMastodon', { host }),
  broken: (host: string) => msg('handle.serverBroken', { host }),
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
