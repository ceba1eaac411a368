import type { RequestHandler } from 'express';
import { param, requiredParam } from '../../http/params.js';
import { authenticateClient } from '../client-auth.js';
import type { GatewayContext } from '../gateway-context.js';
import { endSiteSession } from '../login/end-sessions.js';
import { findToken } from '../login/find-token.js';

/**
 * `POST /revoke` (RFC 7009). Revoking an access token or a refresh token ends the site session it
 * belongs to, so every token of that login at that site goes inactive (the reader's other sites and
 * their Byline browser session are untouched). Unknown tokens, expired tokens and other sites' tokens
 * are ignored and still answered 200, so the endpoint reveals nothing about them.
 *
 * Client authentication works as at /token: a secret, if presented, must be right (401); without one
 * the site identifies itself with `client_id` — whoever holds a token may end its login.
 */
export function revokeHandler(ctx: GatewayContext): RequestHandler {
  return async (req, res) => {
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    const { site } = authenticateClient(ctx, req);
    const body = req.body as Record<string, unknown> | undefined;
    const token = requiredParam(body, 'token', { max: 8192 });
    param(body, 'token_type_hint', { max: 64 }); // optional and not needed: the token's shape tells
    const found = await findToken(ctx, token);
    if (found && found.site === site.id) {
      await endSiteSession(ctx, found.sid);
      ctx.log.info({ site: site.id, tokenType: found.type }, 'token revoked; its site session was ended');
    }
    res.status(200).end();
  };
}
