import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ClientAuthGuard } from '../../http/client-auth-guard.js';
import { siteCorsHeaders } from '../../http/cors.js';
import { answerFor, BylineError, oauthErrorBody } from '../../http/errors.js';
import type { FormReader, FormRequest } from '../../http/form-body.js';
import { type Answered, requestId } from '../../http/logging.js';
import { requiredParam } from '../../http/params.js';
import { jsonType } from '../../http/send.js';
import { defaultLocale } from '../../i18n/locales.js';
import { authenticateClient } from '../client-auth.js';
import type { GatewayContext } from '../gateway-context.js';
import type { TokenResponse } from '../login/issue.js';
import { redeemCode } from './grants/authorization-code.js';
import { refreshGrant } from './grants/refresh-token.js';

/** A request handler that needs nothing but Node's request and response. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** What createApp gives POST /token: its headers, origins, form reader, limits and records. */
export interface TokenRouteParts {
  /** The security headers of a JSON answer, as `writeHead` takes them (name, value, …). */
  headers: readonly string[];
  /** The origins sites registered, which CORS allows (the widget redeems its code from the page). */
  origins: ReadonlySet<string>;
  readForm: FormReader;
  guard: ClientAuthGuard;
  /** The client's address, as the rate limits count it. */
  address(req: IncomingMessage): string;
  /** Records an answer once it is written (or abandoned): its access line and its timing. */
  record(req: IncomingMessage, answer: Answered): void;
}

/** The token endpoint's path: its route, its metrics' label, what the server hands to `tokenRoute`. */
export const tokenPath = '/token';

/** The grant a token request asks for, with the client it authenticated. */
async function grant(
  ctx: GatewayContext,
  req: FormRequest,
): Promise<{ grantType: string; site: string; tokens: TokenResponse }> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const { site, confidential } = authenticateClient(ctx, req);
  const grantType = requiredParam(body, 'grant_type', { max: 64 });
  if (grantType === 'authorization_code')
    return { grantType, site: site.id, tokens: await redeemCode(ctx, body, site.id, confidential) };
  if (grantType === 'refresh_token')
    return { grantType, site: site.id, tokens: await refreshGrant(ctx, body, { site, confidential }) };
  throw new BylineError('unsupported_grant_type', 'grant_type must be authorization_code or refresh_token.');
}

/** Every answer, tokens or a refusal, is one no cache may keep (RFC 6749 §5.1). */
const noStore = ['Cache-Control', 'no-store', 'Pragma', 'no-cache'];

/**
 * POST /token, what site backends call most, as one handler on Node's request and response: the server
 * hands it the requests before Express sees them (`handleRequest` in app.ts), and Express routes it too,
 * for `createApp` used on its own. Express's routing and its six layers cost about a tenth of a grant, and
 * headers set one by one with two listeners on the response another (docs/performance.md, "`/token`
 * outside Express" and "Where the rest goes"): every answer is one `writeHead` with all its headers, then
 * its access line and timing. Its answers are the ones the Express route gave: the same log line, headers
 * (now with `Pragma: no-cache` on early refusals too), CORS, body limits, client-authentication limits,
 * and errors as OAuth JSON counted in `byline_token_errors_total`.
 */
export function tokenRoute(ctx: GatewayContext, parts: TokenRouteParts): NodeHandler {
  // What every answer carries whatever it says, joined once.
  const fixedHeaders = [...parts.headers, ...noStore, 'Content-Type', jsonType];
  return (req, res) => {
    const id = requestId(req);
    const url = req.url;
    const started = performance.now();
    const cors = siteCorsHeaders(req, parts.origins);
    const write = (status: number, body: object, headers: readonly string[] = []) => {
      // A client that went away first is sent nothing; its line says so (as the other routes' do).
      const aborted = req.socket.destroyed;
      const text = JSON.stringify(body);
      res.writeHead(status, [
        ...fixedHeaders,
        'X-Request-Id',
        id,
        ...cors,
        ...headers,
        'Content-Length',
        String(Buffer.byteLength(text)),
      ]);
      res.end(text);
      parts.record(req, {
        id,
        url,
        status: aborted ? 499 : status,
        aborted,
        ms: performance.now() - started,
      });
    };
    const answer = async () => {
      await parts.guard.refuseIfBlocked(req, parts.address(req));
      const { grantType, site, tokens } = await grant(ctx, req);
      write(200, tokens);
      ctx.metrics.tokensIssued.inc({ grant: grantType, site });
    };
    const refuse = async (err: unknown) => {
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
      write(error.status, oauthErrorBody(error, defaultLocale), Object.entries(error.headers).flat());
    };
    const refuseSafely = (err: unknown) =>
      refuse(err).catch((failure: unknown) => {
        ctx.log.error({ err: failure }, 'the token answer failed');
        if (res.headersSent) return;
        res.destroy();
        try {
          parts.record(req, { id, url, status: 499, aborted: true, ms: performance.now() - started });
        } catch {
          // The last line of defence: a lost log line, never a process ended by an unhandled rejection.
        }
      });
    // Nothing may escape: the server calls this outside Express, where a throw would end the process.
    try {
      parts.readForm(req as FormRequest, res, (error) => {
        (error === undefined ? answer() : Promise.reject(error)).catch(refuseSafely);
      });
    } catch (error) {
      void refuseSafely(error);
    }
  };
}
