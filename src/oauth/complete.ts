import type { Request, Response } from 'express';
import type { Identity } from '../providers/provider.js';
import type { GatewayContext } from './context.js';
import {
  type AuthorizationCode,
  type AuthorizationRequest,
  type BrowserSession,
  keys,
  randomId,
  secretHash,
} from './records.js';
import { respondToSite } from './respond.js';
import { startBrowserSession, startSiteSession } from './sessions.js';

/** How long a one-time code may wait for redemption. */
export const codeTtlMs = 60_000;

/** Issues the one-time code for a site session and hands it to the site. */
export async function sendCode(
  ctx: GatewayContext,
  res: Response,
  request: AuthorizationRequest,
  sid: string,
): Promise<void> {
  const code = randomId();
  const record: AuthorizationCode = {
    site: request.site,
    redirectUri: request.redirectUri,
    codeChallenge: request.codeChallenge,
    sid,
    ...(request.nonce ? { nonce: request.nonce } : {}),
    expires: ctx.clock.now() + codeTtlMs,
  };
  await ctx.store.set(keys.code(secretHash(code)), record, codeTtlMs);
  await ctx.store.delete(keys.authorizationRequest(request.id));
  respondToSite(ctx, res, request, { code });
}

/** A reader proved who they are at a provider: a new browser session, a site session, a code. */
export async function completeLogin(
  ctx: GatewayContext,
  req: Request,
  res: Response,
  request: AuthorizationRequest,
  identity: Identity,
): Promise<void> {
  const browserId = await startBrowserSession(ctx, req, res, identity);
  const now = ctx.clock.now();
  const browser = {
    id: browserId,
    session: { identity, created: now, expires: now + ctx.config.session.ttl },
  };
  const sid = await startSiteSession(ctx, request.site, identity, browser);
  await sendCode(ctx, res, request, sid);
}

/** The reader is already logged in to Byline: a new site session under the existing browser session. */
export async function continueSession(
  ctx: GatewayContext,
  res: Response,
  request: AuthorizationRequest,
  browser: { id: string; session: BrowserSession },
): Promise<void> {
  const sid = await startSiteSession(ctx, request.site, browser.session.identity, browser);
  await sendCode(ctx, res, request, sid);
}
