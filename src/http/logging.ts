import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';

/** Query and form parameters whose values are credentials: replaced before anything is logged. */
const secretParams = [
  'code',
  'state',
  'code_verifier',
  'access_token',
  'refresh_token',
  'id_token',
  'id_token_hint',
  'login_hint',
  'token',
  'client_secret',
  'signed_request',
  'byline_token',
  'appsecret_proof',
  'ar',
];

/** A URL path with the values of secret parameters replaced by `[redacted]`. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  for (const name of secretParams) if (params.has(name)) params.set(name, '[redacted]');
  return `${url.slice(0, q)}?${params.toString().replace(/%5Bredacted%5D/g, '[redacted]')}`;
}

const requestIdPattern = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * One JSON line per request with a request id (the caller's `X-Request-Id` when it is sane). The
 * request is serialised by hand: method, redacted URL, route and address only — no headers, so no
 * cookie, Authorization or token can reach a log line.
 *
 * The line is the one pino-http wrote (`req`, `res`, `responseTime`, `msg: "GET 200"`, level error with
 * an `err` from 500 on), written directly: pino-http made a child logger per request, serialising its
 * bindings up front, and added three listeners and two arrays to every request, which cost more than
 * the whole JWKS handler (see docs/performance.md).
 */
export function requestLogger(logger: Logger): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && requestIdPattern.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', id);
    const started = Date.now();
    // As received: routers mounted under a path rewrite req.url while they run.
    const url = req.url;
    // `close` follows `finish` for every response, and comes alone when the client went away first:
    // then no status was sent, whatever res.statusCode says, and the line says 499 (nginx's "client
    // closed request") and `aborted: true`.
    res.once('close', () => {
      const aborted = !res.writableFinished;
      const status = aborted ? 499 : res.statusCode;
      const failed = status >= 500;
      if (!logger.isLevelEnabled(failed ? 'error' : 'info')) return;
      const line: Record<string, unknown> = {
        req: { id, method: req.method, url: redactUrl(url ?? ''), remoteAddress: req.socket?.remoteAddress },
        res: { statusCode: status },
      };
      if (aborted) line.aborted = true;
      if (failed) line.err = new Error(`failed with status code ${status}`);
      line.responseTime = Date.now() - started;
      logger[failed ? 'error' : 'info'](line, `${req.method} ${status}`);
    });
  };
}
