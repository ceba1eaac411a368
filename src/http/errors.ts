import type { ServerResponse } from 'node:http';
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Counter } from 'prom-client';
import type { MessageKey } from '../i18n/catalog.js';
import { defaultLocale, type Locale } from '../i18n/locales.js';
import { Message, msg, type Text } from '../i18n/message.js';
import { localeOf } from '../i18n/request-locale.js';
import { english, translate } from '../i18n/translate.js';
import { StoreUnavailableError } from '../store/store.js';
import { sendJson } from './send.js';
import { html, renderPage } from './views.js';

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

const titles: Partial<Record<ErrorCode, MessageKey>> = {
  not_found: 'error.titleNotFound',
  forbidden: 'error.titleForbidden',
  too_many_requests: 'error.titleTooMany',
  server_error: 'error.titleServer',
  temporarily_unavailable: 'error.titleUnavailable',
};

/** Extra members of an error's JSON body, in words that are translated like its description. */
type Extra = Record<string, Text | Readonly<Record<string, Text>>>;

export interface BylineErrorOptions {
  status?: number;
  cause?: unknown;
  headers?: Record<string, string>;
  /** Extra members of the JSON body (e.g. the `field` and `fields` of guest form errors). */
  extra?: Extra;
}

/**
 * The one error type. Its text is shown to callers as `error_description`, so it must be safe: never a
 * token, code, secret or cookie. Internals go in `cause`, which is logged, never shown. What a reader may
 * see is a catalog message (`msg(key)`), shown in their language; `message` is its English, for logs.
 */
export class BylineError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly extra: Extra;

  constructor(
    readonly code: ErrorCode,
    readonly text: Text,
    options: BylineErrorOptions = {},
  ) {
    super(english(text), { cause: options.cause });
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

/** Marks a JSON answer whose errors a reader sees (the widget's guest calls): described in their language. */
export function readerErrors(res: Response): void {
  res.locals.readerErrors = true;
}

function translateExtra(locale: Locale, extra: Extra): Record<string, string | Record<string, string>> {
  return Object.fromEntries(
    Object.entries(extra).map(([name, value]) => [
      name,
      typeof value === 'string' || value instanceof Message || Array.isArray(value)
        ? translate(locale, value)
        : Object.fromEntries(Object.entries(value).map(([key, text]) => [key, translate(locale, text)])),
    ]),
  );
}

/** An error as OAuth JSON (RFC 6749 §5.2) with its status and headers; `error_description` in `locale`. */
function sendOAuthError(res: ServerResponse, error: BylineError, locale: Locale): void {
  res.statusCode = error.status;
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  res.setHeader('Cache-Control', 'no-store');
  sendJson(res, oauthErrorBody(error, locale));
}

/** The JSON body of an OAuth error answer (RFC 6749 §5.2), its words in `locale`. */
export function oauthErrorBody(error: BylineError, locale: Locale): Record<string, unknown> {
  return {
    error: error.code,
    error_description: translate(locale, error.text),
    ...translateExtra(locale, error.extra),
  };
}

function sendError(res: Response, error: BylineError): void {
  const locale = localeOf(res);
  if (res.locals.htmlErrors) {
    res.status(error.status).set(error.headers).set('Cache-Control', 'no-store');
    // Words that are not in the catalogs are English: another language gets the generic message.
    const text =
      typeof error.text === 'string' && locale !== defaultLocale ? msg('error.generic') : error.text;
    const title = msg(titles[error.code] ?? 'error.title');
    const code = html`<code>${error.code}</code>`;
    res.type('html').send(renderPage('error', { title, message: text, code }, res));
    return;
  }
  // OAuth's error_description is ASCII for developers (RFC 6749 §5.2): English, but for readers.
  sendOAuthError(res, error, res.locals.readerErrors ? locale : defaultLocale);
}

export interface ErrorLogger {
  error(obj: object, msg: string): void;
}

/**
 * What a caller is told of `err`: a BylineError as it is (its cause logged when it is a 5xx), the store's
 * failure as `temporarily_unavailable`, anything else as a bare `server_error` with the error logged.
 */
export function answerFor(err: unknown, log: ErrorLogger, route: string | undefined): BylineError {
  let error: BylineError;
  if (err instanceof BylineError) error = err;
  else if (err instanceof StoreUnavailableError) {
    log.error({ err: err.cause, operation: err.operation }, 'store unavailable');
    error = new BylineError('temporarily_unavailable', msg('error.storeUnavailable'), {
      headers: { 'Retry-After': '5' },
    });
  } else if (isBodyParserError(err)) error = new BylineError('invalid_request', msg('error.unreadableBody'));
  else {
    log.error({ err, route }, 'unhandled error');
    error = new BylineError('server_error', msg('error.unexpected'));
  }
  if (error.status >= 500 && err instanceof BylineError && err.cause)
    log.error({ err: err.cause }, error.message);
  return error;
}

/** Renders every error; anything that is not a BylineError becomes a bare `server_error`. */
export function errorHandler(log: ErrorLogger, errors?: Counter<'endpoint' | 'error'>): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const error = answerFor(err, log, req.route?.path);
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
  next(new BylineError('not_found', msg('error.notFound')));
};
