import { CommenterTokenError } from './errors.js';
import type { Commenter, Verifier } from './verifier.js';

// Merged into Express's own Request type where @types/express is installed, so that `req.commenter`
// is typed in an Express app; elsewhere it declares an interface nobody uses.
declare global {
  namespace Express {
    interface Request {
      /** Set by `requireCommenter` once the commenter token has been verified. */
      commenter?: Commenter;
    }
  }
}

// The parts of a request and response that the middleware touches. They are structural, so that the
// SDK works with Express (and lookalikes) without depending on it. `body` and `locals` are `any` as in
// Express: Express infers the types of a route's later handlers from its first one, and `unknown` here
// would leave those handlers with an unusable `req.body` and `res.locals`.

/** What `requireCommenter` reads from a request: an Express `Request` is one. */
export interface CommenterRequest {
  headers: { authorization?: string | undefined };
  /** A parsed form or JSON body, where a body parser ran. */
  // biome-ignore lint/suspicious/noExplicitAny: see above
  body?: any;
  commenter?: Commenter;
}

/** What `requireCommenter` uses of a response: an Express `Response` is one. */
export interface CommenterResponse {
  // biome-ignore lint/suspicious/noExplicitAny: see above
  locals: Record<string, any>;
  set(field: string, value: string): unknown;
  status(code: number): { json(body: unknown): unknown };
}

export type CommenterNext = (error?: unknown) => void;

export type CommenterMiddleware = (
  req: CommenterRequest,
  res: CommenterResponse,
  next: CommenterNext,
) => Promise<void>;

export interface RequireCommenterOptions {
  /** Let requests without any token through (without `req.commenter`); a bad token is still refused. */
  optional?: boolean;
}

type Found = { token: string } | { token: undefined } | { problem: string };

/**
 * Express middleware that verifies the commenter token from `Authorization: Bearer …` or the form
 * field `byline_token`, and sets `req.commenter` and `res.locals.commenter`. Errors follow RFC 6750.
 */
export function requireCommenter(
  verifier: Verifier,
  options: RequireCommenterOptions = {},
): CommenterMiddleware {
  const optional = options.optional === true;
  return async (req, res, next) => {
    const found = findToken(req);
    if ('problem' in found) {
      refuse(res, 400, 'Bearer error="invalid_request"', 'invalid_request', found.problem);
      return;
    }
    if (found.token === undefined) {
      if (optional) return next();
      // RFC 6750 §3.1: a request without credentials gets a bare challenge, with no error code.
      refuse(res, 401, 'Bearer', 'invalid_token', 'A commenter token is required.');
      return;
    }
    let commenter: Commenter;
    try {
      commenter = await verifier.verify(found.token);
    } catch (error) {
      if (!(error instanceof CommenterTokenError)) return next(error);
      if (error.code === 'ERR_JWKS_UNAVAILABLE') {
        refuse(res, 503, undefined, 'temporarily_unavailable', error.message);
      } else {
        // The message is written to be shown; the token itself is never echoed.
        refuse(res, 401, 'Bearer error="invalid_token"', 'invalid_token', error.message);
      }
      return;
    }
    req.commenter = commenter;
    res.locals.commenter = commenter;
    next();
  };
}

function findToken(req: CommenterRequest): Found {
  const fromHeader = bearerToken(req.headers.authorization);
  const body: unknown = req.body;
  const field =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>).byline_token : undefined;
  if (field !== undefined && typeof field !== 'string') {
    return { problem: 'The byline_token field must be a single value.' };
  }
  // An empty field is what a comment form sends before anyone has logged in.
  const fromField = field === '' ? undefined : field;
  if (fromHeader !== undefined && fromField !== undefined && fromHeader !== fromField) {
    return { problem: 'The request carries two different commenter tokens.' };
  }
  return { token: fromHeader ?? fromField };
}

/** The credentials of a `Bearer` Authorization header; other schemes are not ours to read. */
function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const space = header.indexOf(' ');
  const scheme = space === -1 ? header : header.slice(0, space);
  if (scheme.toLowerCase() !== 'bearer') return undefined;
  return header.slice(scheme.length).trim() || undefined;
}

function refuse(
  res: CommenterResponse,
  status: number,
  challenge: string | undefined,
  error: string,
  description: string,
): void {
  if (challenge !== undefined) res.set('WWW-Authenticate', challenge);
  res.status(status).json({ error, error_description: description });
}
