import type { RequestHandler } from 'express';
import { BylineError } from '../../http/errors.js';
import { requiredParam } from '../../http/params.js';
import { sendJson } from '../../http/send.js';
import { authenticateClient } from '../client-auth.js';
import type { GatewayContext } from '../gateway-context.js';
import { redeemCode } from './grants/authorization-code.js';
import { refreshGrant } from './grants/refresh-token.js';

export function tokenHandler(ctx: GatewayContext): RequestHandler {
  return async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const { site, confidential } = authenticateClient(ctx, req);
    const grantType = requiredParam(body, 'grant_type', { max: 64 });
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    if (grantType === 'authorization_code') {
      sendJson(res, await redeemCode(ctx, body, site.id, confidential));
      ctx.metrics.tokensIssued.inc({ grant: grantType, site: site.id });
      return;
    }
    if (grantType === 'refresh_token') {
      sendJson(res, await refreshGrant(ctx, body, { site, confidential }));
      ctx.metrics.tokensIssued.inc({ grant: grantType, site: site.id });
      return;
    }
    throw new BylineError(
      'unsupported_grant_type',
      'grant_type must be authorization_code or refresh_token.',
    );
  };
}
