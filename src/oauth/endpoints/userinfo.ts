import type { Request, RequestHandler } from 'express';
import { BylineError } from '../../http/errors.js';
import { sendJson } from '../../http/send.js';
import { verifyAccessToken } from '../../tokens/access-token.js';
import type { GatewayContext } from '../gateway-context.js';
import { liveSiteSession } from '../login/sessions.js';

function bearer(req: Request): string | undefined {
  const header = req.headers.authorization;
  const match = header ? /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header.trim()) : null;
  return match?.[1];
}

/**
 * `GET` and `POST /userinfo` (OpenID Connect Core §5.3): the commenter's claims for a valid access token
 * whose site session still lives, as far as the token's scopes allow (`sub` always).
 */
export function userinfoHandler(ctx: GatewayContext): RequestHandler {
  return async (req, res) => {
    res.set('Cache-Control', 'no-store');
    const token = bearer(req);
    if (!token)
      throw new BylineError('invalid_token', 'A Bearer access token is required.', {
        headers: { 'WWW-Authenticate': 'Bearer realm="byline"' },
      });
    const result = await verifyAccessToken(ctx.keys, ctx.clock, token, {
      issuer: ctx.issuer,
      clockSkewMs: ctx.config.tokens.clockSkew,
    });
    const live = result.ok ? await liveSiteSession(ctx, result.claims.sid) : undefined;
    if (!result.ok || !live || live.session.site !== result.claims.client_id) {
      const description =
        !result.ok && result.expired ? 'The access token has expired.' : 'The access token is not valid.';
      throw new BylineError('invalid_token', description, {
        headers: {
          'WWW-Authenticate': `Bearer realm="byline", error="invalid_token", error_description="${description}"`,
        },
      });
    }
    // The access token carries what its scopes allow (claimsForScope), so this answers per scope too.
    const { sub, idp, name, picture, website, email, email_verified } = result.claims;
    sendJson(res, { sub, idp, name, picture, website, email, email_verified });
  };
}
