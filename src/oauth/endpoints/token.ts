import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ClientAuthGuard } from '../../http/client-auth-guard.js';
import { answerFor, BylineError, sendOAuthError } from '../../http/errors.js';
import type { FormReader, FormRequest } from '../../http/form-body.js';
import { requiredParam } from '../../http/params.js';
import { sendJson } from '../../http/send.js';
import { defaultLocale } from '../../i18n/locales.js';
import { authenticateClient } from '../client-auth.js';
import type { GatewayContext } from '../gateway-context.js';
import type { TokenResponse } from '../login/issue.js';
import { redeemCode } from './grants/authorization-code.js';
import { refreshGrant } from './grants/refresh-token.js';

/** A request handler that needs nothing but Node's request and response. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** What POST /token shares with the app's other routes, built once by createApp. */
export interface TokenRouteParts {
  /** What every answer gets first: the log line, the timing, the headers of a JSON answer. */
  everyAnswer(req: IncomingMessage, res: ServerResponse): void;
  /** CORS for the origins sites registered (the widget redeems its code from the page). */
  cors(req: IncomingMessage, res: ServerResponse): void;
  readForm: FormReader;
  guard: ClientAuthGuard;
  /** The client's address, as the rate limits count it. */
  address(req: IncomingMessage): string;
}

/** The token endpoint's path: its route, its metrics' label, what the server hands to `tokenRoute`. */
export const tokenPath = '/token';

/** The grant a token request asks for, with the client it authenticated. */
async function grant(
  ctx: GatewayContext,
  req: FormRequest,
  res: ServerResponse,
): Promise<{ grantType: string; site: string; tokens: TokenResponse }> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const { site, confidential } = authenticateClient(ctx, req);
  const grantType = requiredParam(body, 'grant_type', { max: 64 });
  // From here on every answer, tokens or the grant's refusal, is one no cache may keep (RFC 6749 §5.1).
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
  if (grantType === 'authorization_code')
    return { grantType, site: site.id, tokens: await redeemCode(ctx, body, site.id, confidential) };
  if (grantType === 'refresh_token')
    return { grantType, site: site.id, tokens: await refreshGrant(ctx, body, { site, confidential }) };
  throw new BylineError('unsupported_grant_type', 'grant_type must be authorization_code or refresh_token.');
}

/**
 * POST /token, what site backends call most, as one handler on Node's request and response: the server
 * hands it the requests before Express sees them (`handleRequest` in app.ts), and Express routes it too,
 * for `createApp` used on its own. Express's routing and its six layers cost about a tenth of a grant
 * (docs/performance.md, "`/token` outside Express"). Its answers are the ones the Express route gave:
 * the same log line and timing, headers, CORS, body limits, client-authentication limits, and errors as
 * OAuth JSON counted in `byline_token_errors_total`.
 */
export function tokenRoute(ctx: GatewayContext, parts: TokenRouteParts): NodeHandler {
  const answer = async (req: FormRequest, res: ServerResponse) => {
    await parts.guard.refuseIfBlocked(req, parts.address(req));
    const { grantType, site, tokens } = await grant(ctx, req, res);
    sendJson(res, tokens);
    ctx.metrics.tokensIssued.inc({ grant: grantType, site });
  };
  const refuse = async (req: FormRequest, res: ServerResponse, err: unknown) => {
    if (res.headersSent) {
      // Only what follows the answer (its metrics) can fail here: the reader has their tokens.
      ctx.log.error({ err }, 'the token answer failed after it was sent');
      return;
    }
    let counted: unknown;
    try {
      counted = await parts.guard.countFailure(err, req, parts.address(req));
    } catch (failure) {
      // Counting the failure needs the store; when even that fails, the answer is its 503.
      counted = failure;
    }
    const error = answerFor(counted, ctx.log, tokenPath);
    ctx.metrics.tokenErrors.inc({ endpoint: tokenPath, error: error.code });
    sendOAuthError(res, error, defaultLocale);
  };
  const refuseSafely = (req: FormRequest, res: ServerResponse, err: unknown) =>
    refuse(req, res, err).catch((failure: unknown) => {
      ctx.log.error({ err: failure }, 'the token answer failed');
      res.destroy();
    });
  return (req, res) => {
    // Nothing may escape: the server calls this outside Express, where a throw would end the process.
    try {
      parts.everyAnswer(req, res);
      parts.cors(req, res);
      parts.readForm(req, res, (error) => {
        (error === undefined ? answer(req, res) : Promise.reject(error)).catch((err: unknown) =>
          refuseSafely(req, res, err),
        );
      });
    } catch (error) {
      void refuseSafely(req, res, error);
    }
  };
}
