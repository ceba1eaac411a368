import type { Request, Response } from 'express';
import { BylineError } from '../../http/errors.js';
import type { Identity } from '../../providers/provider.js';
import type { GatewayContext } from '../gateway-context.js';
import { codeFor } from './handles.js';
import { type AuthorizationRequest, keys, type LoginRecord, type SiteSession } from './records.js';
import { respondToSite } from '../browser/hand-off.js';
import {
  addSiteSession,
  currentBrowserSession,
  type LiveLogin,
  newLogin,
  releaseBrowser,
  setSessionCookie,
  updateLogin,
} from './sessions.js';

/** How long a one-time code may wait for redemption. */
export const codeTtlMs = 60_000;

/** A site session for `request` whose code waits to be redeemed. */
function pendingSiteSession(ctx: GatewayContext, request: AuthorizationRequest): SiteSession {
  return {
    site: request.site,
    code: {
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      ...(request.nonce ? { nonce: request.nonce } : {}),
      expires: ctx.clock.now() + codeTtlMs,
    },
  };
}

/**
 * A new login (a provider's or a guest's) with one site session for `request`, stored in one batch; the
 * code goes to the site. `browser` is the login this browser held before, when the new one is a browser's.
 */
export async function startLogin(
  ctx: GatewayContext,
  res: Response,
  request: AuthorizationRequest,
  identity: Identity,
  browser: { previous: LiveLogin | undefined } | undefined,
): Promise<void> {
  const login = newLogin(ctx, identity, {
    browser: browser !== undefined,
    ...(browser?.previous ? { earlier: browser.previous } : {}),
  });
  const { sid } = addSiteSession(ctx, login.id, login.record, pendingSiteSession(ctx, request));
  // The request is done: its chooser entry goes in the same batch.
  const writes = [...login.writes, { op: 'delete' as const, key: keys.authorizationRequest(request.id) }];
  if (browser?.previous) await releaseBrowser(ctx, browser.previous, writes);
  else await ctx.store.write(writes);
  if (login.record.browser) setSessionCookie(ctx, res, { id: login.id, browser: login.record.browser });
  respondToSite(ctx, res, request, { code: codeFor(ctx.keys.subjectKey, sid) });
}

/** A reader proved who they are at a provider: a new login held by this browser, a site session, a code. */
export async function completeLogin(
  ctx: GatewayContext,
  req: Request,
  res: Response,
  request: AuthorizationRequest,
  identity: Identity,
): Promise<void> {
  await startLogin(ctx, res, request, identity, { previous: await currentBrowserSession(ctx, req) });
}

/** The reader is already logged in to Byline: a new site session in the browser's login. */
export async function continueSession(
  ctx: GatewayContext,
  res: Response,
  request: AuthorizationRequest,
  browser: LiveLogin,
): Promise<void> {
  const sid = await updateLogin(
    ctx,
    browser.id,
    (record: LoginRecord | undefined) => {
      if (!record) return { result: undefined };
      const { sid } = addSiteSession(ctx, browser.id, record, pendingSiteSession(ctx, request));
      return {
        result: sid,
        next: record,
        writes: [{ op: 'delete', key: keys.authorizationRequest(request.id) }],
      };
    },
    browser,
  );
  // The login ended between reading it and adding to it (a logout in another tab).
  if (!sid)
    throw new BylineError('invalid_request', 'You have logged out. Go back to the site and start again.');
  respondToSite(ctx, res, request, { code: codeFor(ctx.keys.subjectKey, sid) });
}
