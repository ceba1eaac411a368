import { BylineError } from '../../http/errors.js';
import { msg } from '../../i18n/message.js';
import type { Identity } from '../../identity.js';
import type { StoreWrite } from '../../store/store.js';
import type { GatewayContext } from '../gateway-context.js';
import { codeFor } from './handles.js';
import type { AuthorizationRequest, LoginRecord, SiteSession } from './records.js';
import { addSiteSession, type LiveLogin, newLogin, releaseBrowser, updateLogin } from './sessions.js';
import { storeKeys } from './store-keys.js';

/** How long a one-time code may wait for redemption. */
const codeTtlMs = 60_000;

/** A site session for `request` whose code waits to be redeemed. */
function pendingSiteSession(ctx: GatewayContext, request: AuthorizationRequest): SiteSession {
  return {
    site: request.site,
    ...(request.scope ? { scope: request.scope } : {}),
    code: {
      redirectUri: request.redirectUri,
      ...(request.codeChallenge ? { codeChallenge: request.codeChallenge } : {}),
      ...(request.nonce ? { nonce: request.nonce } : {}),
      expires: ctx.clock.now() + codeTtlMs,
    },
  };
}

/**
 * A new login (a provider's or a guest's) with one site session for `request`, stored in one batch.
 * `previous` is the live login this browser held before, when the new one is a browser's; it is released
 * in the same step, and so are `also` (say, the reader's consent to the site). Answers the code for the site
 * and, for a browser's login, what its cookie must hold.
 */
export async function signIn(
  ctx: GatewayContext,
  request: AuthorizationRequest,
  identity: Identity,
  browser: { previous: LiveLogin | undefined } | undefined,
  also: StoreWrite[] = [],
): Promise<{ code: string; browser?: { id: string; browser: string } }> {
  const login = newLogin(ctx, identity, {
    browser: browser !== undefined,
    ...(browser?.previous ? { earlier: browser.previous } : {}),
  });
  const { sid } = addSiteSession(ctx, login.id, login.record, pendingSiteSession(ctx, request));
  // The request is done: its chooser entry goes in the same batch.
  const done = [{ op: 'delete' as const, key: storeKeys.authorizationRequest(request.id) }, ...also];
  if (browser?.previous) await releaseBrowser(ctx, browser.previous, login, done);
  else await ctx.store.write([...login.writes, ...done]);
  const code = codeFor(ctx.keys.rootSecret, sid);
  return login.record.browser ? { code, browser: { id: login.id, browser: login.record.browser } } : { code };
}

/**
 * A browser's new login with no site session yet: the reader logged in to Byline, but the site must wait
 * for their answer to the consent question. `previous` is released in the same step, as in signIn.
 */
export async function signInBrowser(
  ctx: GatewayContext,
  identity: Identity,
  previous: LiveLogin | undefined,
): Promise<{ id: string; browser: string }> {
  const login = newLogin(ctx, identity, { browser: true, ...(previous ? { earlier: previous } : {}) });
  if (previous) await releaseBrowser(ctx, previous, login);
  else await ctx.store.write(login.writes);
  return { id: login.id, browser: login.record.browser as string };
}

/**
 * The reader is already logged in to Byline: a new site session in the browser's login; its code. `also`
 * (say, the reader's consent) is written in the same step.
 */
export async function joinLogin(
  ctx: GatewayContext,
  request: AuthorizationRequest,
  browser: LiveLogin,
  also: StoreWrite[] = [],
): Promise<string> {
  const added = await updateLogin(
    ctx,
    browser.id,
    (record: LoginRecord | undefined) => {
      if (!record) return { result: undefined };
      const { sid, evicted } = addSiteSession(ctx, browser.id, record, pendingSiteSession(ctx, request));
      return {
        result: { sid, evicted },
        next: record,
        writes: [{ op: 'delete', key: storeKeys.authorizationRequest(request.id) }, ...also],
      };
    },
    browser,
  );
  // The login ended between reading it and adding to it (a logout in another tab).
  if (!added) throw new BylineError('invalid_request', msg('error.loggedOutSince'));
  if (added.evicted.length > 0) ctx.logoutNotifier.sessionsEnded(added.evicted);
  return codeFor(ctx.keys.rootSecret, added.sid);
}
