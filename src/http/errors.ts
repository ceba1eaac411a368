import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Counter } from 'prom-client';
import { StoreUnavailableError } from '../store/store.js';
import { sendJson } from './send.js';
import { renderPage } from './views.js';

/** Stable error codes: the OAuth and OpenID vocabulary (RFC 6749, 6750, 7009, Core §3.1.2.6) plus a few HTTP-level ones. */
export type ErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'unsupported_token_type'
  | 'invalid_scope'
  | 'invalid_token'
  | 'access_denied'
  | 'login_required'
  | 'consent_required'
  | 'request_not_supported'
  | 'request_uri_not_supported'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'not_found'
  | 'forbidden'
  | 'too_many_requests';

const defaultStatus: Record<ErrorCode, number> = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  unsupported_response_type: 400,
  unsupported_token_type: 400,
  invalid_scope: 400,
  invalid_token: 401,
  access_denied: 403,
  login_required: 400,
  consent_required: 400,
  request_not_supported: 400,
  request_uri_not_supported: 400,
  server_error: 500,
  temporarily_unavailable: 503,
  not_found: 404,
  forbidden: 403,
  too_many_requests: 429,
};

const titles: Partial<Record<ErrorCode, string>> = {
  not_found: 'Page not found',
  forbidden: 'Not allowed',
  too_many_requests: 'Too many requests',
  server_error: 'Something went wrong',
  temporarily_unavailable: 'Temporarily unavailable',
};

export interface BylineErrorOptions {
  status?: number;
  cause?: unknown;
  headers?: Record<string, string>;
  /** Extra members of the JSON body (e.g. the `field` and `fields` of guest form errors). */
  extra?: Record<string, string | Readonly<Record<string, string>>>;
}

/**
 * The one error type. Its message is shown to callers as `error_description`, so it must be safe:
 * never a token, code, secret or cookie. Internals go in `cause`, which is logged, never shown.
 */
export class BylineError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly extra: Record<string, string | Readonly<Record<string, string>>>;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: BylineErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'BylineError';
    this.status = options.status ?? defaultStatus[code];
    this.headers = options.headers ?? {};
    this.extra = options.extra ?? {};
  }
}

/** Marks the routes that answer browsers with HTML error pages instead of OAuth JSON. */
export const htmlErrors: RequestHandler = (_req, res, next) => {
  res.locals.htmlErrors = true;
  next();
};

function sendError(res: Response, error: BylineError): void {
  res.status(error.status).set(error.headers).set('Cache-Control', 'no-store');
  if (res.locals.htmlErrors) {
    const title = titles[error.code] ?? 'This login cannot continue';
    res.type('html').send(renderPage('error', { title, message: error.message, code: error.code }, res));
    return;
  }
  sendJson(res, { error: error.code, error_description: error.message, ...error.extra });
}

export interface ErrorLogger {
  error(obj: object, msg: string): void;
}

/** Renders every error; anything that is not a BylineError becomes a bare `server_error`. */
export function errorHandler(log: ErrorLogger, errors?: Counter<'endpoint' | 'error'>): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    let error: BylineError;
    if (err instanceof BylineError) error = err;
    else if (err instanceof StoreUnavailableError) {
      log.error({ err: err.cause, operation: err.operation }, 'store unavailable');
      error = new BylineError(
        'temporarily_unavailable',
        'Byline is briefly unavailable. Try again in a moment.',
        {
          headers: { 'Retry-After': '5' },
        },
      );
    } else if (isBodyParserError(err))
      error = new BylineError('invalid_request', 'The request body could not be read.');
    else {
      log.error({ err, route: req.route?.path }, 'unhandled error');
      error = new BylineError('server_error', 'An unexpected error occurred.');
    }
    if (error.status >= 500 && err instanceof BylineError && err.cause)
      log.error({ err: err.cause }, error.message);
    if (!res.locals.htmlErrors && error.code !== 'not_found')
      errors?.inc({
        endpoint: typeof req.route?.path === 'string' ? req.route.path : 'unmatched',
        error: error.code,
      });
    sendError(res, error);
  };
}

function isBodyParserError(err: unknown): boolean {
  return (
    typeof err === 'object' &&
    err !== null &&
    'type' in err &&
    'status' in err &&
    (err as { status: number }).status < 500
  );
}

export const notFound: RequestHandler = (_req, _res, next) => {
  next(new BylineError('not_found', 'There is nothing here.'));
};
