import type { Request, Response } from 'express';
import type { Identity } from '../providers/provider.js';
import type { StoreWrite } from '../store/store.js';
import type { GatewayContext } from './context.js';
import {
  type AuthorizationCode,
  type AuthorizationRequest,
  type BrowserSession,
  keys,
  randomId,
  type SiteSession,
  secretHash,
} from './records.js';
import { respondToSite } from './respond.js';
import { newBrowserSession, newSiteSession, previousBrowserSession, setSessionCookie } from './sessions.js';

/** How long a one-time code may wait for redemption. */
export const codeTtlMs = 60_000;

/**
 * Issues the one-time code for a site session and hands it to the site. The code, the request's end and
 * whatever the caller still has to store (`writes`: the new sessions) go to the store as one batch.
 */
export async function sendCode(
  ctx: GatewayContext,
  res: Response,
  request: AuthorizationRequest,
  site: { id: string; session: SiteSession },
  writes: StoreWrite[] = [],
): Promise<void> {
  const code = randomId();
  const record: AuthorizationCode = {
    site: request.site,
    redirectUri: request.redirectUri,
    codeChallenge: request.codeChallenge,
    sid: site.id,
    session: site.session,
    ...(request.nonce ? { nonce: request.nonce } : {}),
    expires: ctx.clock.now() + codeTtlMs,
  };
  await ctx.store.write([
    ...writes,
    { op: 'set', key: keys.code(secretHash(code)), value: record, ttlMs: codeTtlMs },
    { op: 'delete', key: keys.authorizationRequest(request.id) },
  ]);
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
  const browser = newBrowserSession(ctx, identity, await previousBrowserSession(ctx, req));
  const site = newSiteSession(ctx, request.site, identity, browser);
  setSessionCookie(ctx, res, browser.id);
  await sendCode(ctx, res, request, site, [...browser.writes, ...site.writes]);
}

/** The reader is already logged in to Byline: a new site session under the existing browser session. */
export async function continueSession(
  ctx: GatewayContext,
  res: Response,
  request: AuthorizationRequest,
  browser: { id: string; session: BrowserSession },
): Promise<void> {
  const site = newSiteSession(ctx, request.site, browser.session.identity, browser);
  await sendCode(ctx, res, request, site, site.writes);
}
