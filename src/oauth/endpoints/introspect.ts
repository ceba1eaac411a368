import type { RequestHandler } from 'express';
import { BylineError } from '../../http/errors.js';
import { requiredParam } from '../../http/params.js';
import { sendJson } from '../../http/send.js';
import { claimsForScope } from '../../tokens/claims.js';
import { authenticateClient } from '../client-auth.js';
import type { GatewayContext } from '../gateway-context.js';
import { findToken } from '../login/find-token.js';
import { liveSiteSession, siteClaims } from '../login/sessions.js';

type Introspection = { active: false } | ({ active: true } & Record<string, unknown>);

const seconds = (ms: number) => Math.floor(ms / 1000);

/** The RFC 7662 answer for a token of `site`: active only while the token and its site session live. */
async function introspection(ctx: GatewayContext, site: string, token: string): Promise<Introspection> {
  const found = await findToken(ctx, token);
  if (!found || found.site !== site) return { active: false };
  const live = found.type === 'refresh_token' ? found.live : await liveSiteSession(ctx, found.sid);
  if (!live || live.session.site !== site) return { active: false };
  const common = { iss: ctx.issuer, aud: site, client_id: site, sid: found.sid };
  if (found.type === 'access_token') {
    const { sub, idp, exp, iat, jti, scope } = found.claims;
    return { active: true, ...common, sub, idp, exp, iat, jti, scope, token_type: 'Bearer' };
  }
  // A refresh token is active while it is its family's current (not yet rotated) token.
  const family = live.session.refresh;
  if (!family || family.n !== found.number) return { active: false };
  // What the family's access tokens say: idp only with the profile scope (or without scopes).
  const { sub, idp } = claimsForScope(
    siteClaims(ctx, live.record, live.session),
    live.session.scope,
    ctx.sites.get(site),
  );
  return {
    active: true,
    ...common,
    sub,
    ...(idp ? { idp } : {}),
    ...(live.session.scope ? { scope: live.session.scope.join(' ') } : {}),
    exp: seconds(family.expires),
    iat: seconds(family.issued),
    token_type: 'refresh_token',
  };
}

/**
 * `POST /introspect` (RFC 7662), for confidential sites only: a comment backend that wants immediate
 * revocation asks here instead of (or after) verifying the JWT offline. Tokens of other sites, expired
 * tokens and tokens whose site session has ended are all `{"active":false}`.
 */
export function introspectHandler(ctx: GatewayContext): RequestHandler {
  return async (req, res) => {
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    const { site, confidential } = authenticateClient(ctx, req);
    if (!confidential)
      throw new BylineError('invalid_client', 'Introspection needs the site secret.', {
        headers: { 'WWW-Authenticate': 'Basic realm="byline", charset="UTF-8"' },
      });
    const token = requiredParam(req.body as Record<string, unknown> | undefined, 'token', { max: 8192 });
    sendJson(res, await introspection(ctx, site.id, token));
  };
}
