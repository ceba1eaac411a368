import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { deriveKey } from '../../crypto/derive-key.js';
import { seal, unseal } from '../../crypto/seal.js';
import { clearCookie, readCookie, readCookiesByPrefix, setCookie } from '../../http/cookies.js';
import type { GatewayContext } from '../gateway-context.js';
import type { LoginTransaction } from '../login/records.js';
import { storeKeys } from '../login/store-keys.js';
import { requestBinding } from './binding.js';

/**
 * A login in progress at a provider is kept in two halves. The browser carries the transaction itself
 * (the site's request and the upstream state, PKCE verifier and nonce), sealed under a server key in a cookie
 * named after the upstream state, so it is bound to that browser and that state. The store keeps only a
 * mark under the state, taken once at the callback: the transaction is single use across instances, and
 * a failed or forged callback burns it. A pending login costs the store ~100 bytes instead of ~600.
 */
const transactionPurpose = 'byline login transaction';

const cookiePrefix = 'byline_login_';

function cookieBase(state: string): string {
  return `${cookiePrefix}${createHash('sha256').update(state).digest('base64url').slice(0, 16)}`;
}

/**
 * How many logins one browser may have in progress at once. Each cookie is up to ~1.8 KB; without a bound a
 * page that sends a reader to ten logins in a row makes every later request of theirs too large (431).
 */
export const loginCookieLimit = 3;

/**
 * Clears this browser's oldest login cookies so that, with the one about to be set, at most
 * `loginCookieLimit` remain. A cookie's value starts with when it was issued (base 36 ms, not secret).
 */
function clearOldestLogins(ctx: GatewayContext, req: Request, res: Response): void {
  const policyPrefix = ctx.cookies.name('');
  const held = readCookiesByPrefix(req, ctx.cookies.name(cookiePrefix))
    .map(([name, value]) => ({
      base: name.slice(policyPrefix.length),
      issued: Number.parseInt(value, 36) || 0,
    }))
    .sort((a, b) => a.issued - b.issued);
  for (const { base } of held.slice(0, Math.max(held.length - loginCookieLimit + 1, 0)))
    clearCookie(res, ctx.cookies, base);
}

/** Stores the mark and hands the browser the sealed transaction; both end when the request does. */
export async function saveTransaction(
  ctx: GatewayContext,
  req: Request,
  res: Response,
  state: string,
  transaction: LoginTransaction,
): Promise<void> {
  const ttl = Math.max(transaction.request.expires - ctx.clock.now(), 1);
  await ctx.store.set(storeKeys.transaction(state), transaction.provider, ttl);
  clearOldestLogins(ctx, req, res);
  const sealed = seal(deriveKey(ctx.keys.rootSecret, transactionPurpose), transaction, state);
  setCookie(res, ctx.cookies, cookieBase(state), `${ctx.clock.now().toString(36)}.${sealed}`, ttl);
}

/**
 * Whether the request carries this browser's half of `state`'s transaction. A provider's cross-site POST
 * does not (the cookie is SameSite=Lax): see provider-repost.ts.
 */
export function carriesTransaction(ctx: GatewayContext, req: Request, state: string): boolean {
  return readCookie(req, ctx.cookies.name(cookieBase(state))) !== undefined;
}

/**
 * Takes the mark of `state` (so this callback is the only one, whatever happens next) and opens this
 * browser's half, checking everything that binds it. `used`: no live mark (expired, used, never ours).
 * `foreign`: a mark, but no half that opens for this state, binding and provider (another browser, or a
 * transaction moved to another provider's callback).
 */
export async function takeTransaction(
  ctx: GatewayContext,
  req: Request,
  res: Response,
  state: string,
  provider: string,
): Promise<LoginTransaction | 'used' | 'foreign'> {
  const base = cookieBase(state);
  const value = readCookie(req, ctx.cookies.name(base));
  if (value !== undefined) clearCookie(res, ctx.cookies, base);
  const sealed = value?.slice(value.indexOf('.') + 1);
  const marked = await ctx.store.take<string>(storeKeys.transaction(state));
  if (marked === undefined) return 'used';
  const transaction = sealed
    ? unseal<LoginTransaction>(deriveKey(ctx.keys.rootSecret, transactionPurpose), sealed, state)
    : undefined;
  if (!transaction || transaction.provider !== marked || transaction.upstream?.state !== state)
    return 'foreign';
  if (transaction.request.expires <= ctx.clock.now()) return 'used';
  const binding = requestBinding(ctx, req);
  if (!binding || binding !== transaction.request.binding || transaction.provider !== provider)
    return 'foreign';
  return transaction;
}
