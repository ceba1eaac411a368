import type { Request } from 'express';
import { BylineError } from '../../http/errors.js';
import { msg } from '../../i18n/message.js';
import type { GatewayContext } from '../gateway-context.js';
import type { AuthorizationRequest } from '../login/records.js';
import { storeKeys } from '../login/store-keys.js';
import { requestBinding } from './binding.js';

/**
 * The pending authorization request `id` (from the chooser or the consent question), if it is live and
 * belongs to this browser; anything else is the same error page, so a stolen or stale link tells nothing.
 */
export async function pendingRequest(
  ctx: GatewayContext,
  req: Request,
  id: string,
): Promise<AuthorizationRequest> {
  const request = await ctx.store.get<AuthorizationRequest>(storeKeys.authorizationRequest(id));
  const binding = requestBinding(ctx, req);
  if (!request || request.expires <= ctx.clock.now() || !binding || binding !== request.binding)
    throw expired();
  return request;
}

const expired = () => new BylineError('invalid_request', msg('error.loginExpired'));

/**
 * Takes pending request `id` for good, once it has been checked with `pendingRequest`: of two submissions
 * of one form (two clicks, two tabs) exactly one continues, the other finds it gone.
 */
export async function takePendingRequest(ctx: GatewayContext, id: string): Promise<AuthorizationRequest> {
  const taken = await ctx.store.take<AuthorizationRequest>(storeKeys.authorizationRequest(id));
  if (!taken) throw expired();
  return taken;
}
