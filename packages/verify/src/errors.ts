export type CommenterTokenErrorCode =
  | 'ERR_TOKEN_MISSING'
  | 'ERR_TOKEN_MALFORMED'
  | 'ERR_TOKEN_INVALID'
  | 'ERR_TOKEN_EXPIRED'
  | 'ERR_TOKEN_AUDIENCE'
  | 'ERR_TOKEN_ISSUER'
  | 'ERR_JWKS_UNAVAILABLE';

/**
 * Why a commenter token was not accepted. `code` is stable and meant for branching; `message` is
 * safe to show to the reader (it never contains the token); `cause` keeps the underlying jose or
 * network error for logs.
 */
export class CommenterTokenError extends Error {
  override name = 'CommenterTokenError';
  readonly code: CommenterTokenErrorCode;

  constructor(code: CommenterTokenErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
