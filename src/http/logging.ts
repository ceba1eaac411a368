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

/** The request's id: the caller's `X-Request-Id` when it is sane, else a new one. */
export function requestId(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && requestIdPattern.test(incoming) ? incoming : randomUUID();
}

/** What the access line says of one answer. */
export interface Answered {
  id: string;
  /** The URL as received (routers mounted under a path rewrite `req.url` while they run). */
  url: string | undefined;
  /**
   * The status sent; 499 (nginx's "client closed request") when the client went away first: before the
   * response finished, for a route logged by `requestLogger`; before the answer was written, for one that
   * records its own (POST /token).
   */
  status: number;
  aborted: boolean;
  /** How long the answer took, in milliseconds. */
  ms: number;
}

/**
 * Writes the access line of one answer. The request is serialised by hand: method, redacted URL and
 * address only — no headers, so no cookie, Authorization or token can reach a log line.
 *
 * The line is the one pino-http wrote (`req`, `res`, `responseTime`, `msg: "GET 200"`, level error with
 * an `err` from 500 on), written directly: pino-http made a child logger per request, serialising its
 * bindings up front, and added three listeners and two arrays to every request, which cost more than
 * the whole JWKS handler (see docs/performance.md).
 */
export function logAnswer(logger: Logger, req: IncomingMessage, answer: Answered): void {
  const failed = answer.status >= 500;
  if (!logger.isLevelEnabled(failed ? 'error' : 'info')) return;
  const line: Record<string, unknown> = {
    req: {
      id: answer.id,
      method: req.method,
      url: redactUrl(answer.url ?? ''),
      remoteAddress: req.socket?.remoteAddress,
    },
    res: { statusCode: answer.status },
  };
  if (answer.aborted) line.aborted = true;
  if (failed) line.err = new Error(`failed with status code ${answer.status}`);
  line.responseTime = Math.round(answer.ms);
  logger[failed ? 'error' : 'info'](line, `${req.method} ${answer.status}`);
}

/** One access line per request (`logAnswer`) with its id in `X-Request-Id`, once the response closed. */
export function requestLogger(logger: Logger): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const id = requestId(req);
    res.setHeader('X-Request-Id', id);
    const started = performance.now();
    const url = req.url;
    // `close` follows `finish` for every response, and comes alone when the client went away first:
    // then no status was sent, whatever res.statusCode says.
    res.once('close', () => {
      const aborted = !res.writableFinished;
      const status = aborted ? 499 : res.statusCode;
      logAnswer(logger, req, { id, url, status, aborted, ms: performance.now() - started });
    });
  };
}
