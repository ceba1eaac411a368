import type { Request, Response } from 'express';
import { sameSecret } from '../../crypto/same-secret.js';
import { readCookie, setCookie } from '../../http/cookies.js';
import type { GatewayContext } from '../gateway-context.js';
import { endedWithLogin } from '../login/end-sessions.js';
import type { LoginRecord } from '../login/records.js';
import { type LiveLogin, updateLogin } from '../login/sessions.js';
import { storeKeys } from '../login/store-keys.js';

/** The `byline_session` cookie: `<login id>.<browser secret>`, the login a browser holds and its proof. */
export const sessionCookie = 'byline_session';

/** `<login id>.<browser secret>`: the login to read and the proof that this browser holds it. */
const cookiePattern = /^([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22})$/;

/** The live login this browser holds, named and proven by its `byline_session` cookie, if any. */
export async function currentBrowserSession(
  ctx: GatewayContext,
  req: Request,
): Promise<LiveLogin | undefined> {
  const match = cookiePattern.exec(readCookie(req, ctx.cookies.name(sessionCookie)) ?? '');
  if (!match) return undefined;
  const [, id, browser] = match as unknown as [string, string, string];
  const read = await ctx.store.getVersioned<LoginRecord>(storeKeys.login(id));
  if (!read?.value.browser || !sameSecret(browser, read.value.browser)) return undefined;
  if (read.value.expires <= ctx.clock.now()) return undefined;
  return { id, session: read.value, version: read.version };
}

export function setSessionCookie(
  ctx: GatewayContext,
  res: Response,
  login: { id: string; browser: string },
): void {
  setCookie(res, ctx.cookies, sessionCookie, `${login.id}.${login.browser}`, ctx.config.session.ttl);
}

/**
 * Ends the login this browser holds, every site session started from it, and the logins the browser
 * held before (`POST /logout`), and tells `ctx.logoutNotifier` which site sessions ended. Answers how
 * many site sessions of the current login ended, or undefined when the browser holds no live login.
 */
export async function endBrowserSession(ctx: GatewayContext, req: Request): Promise<number | undefined> {
  const login = await currentBrowserSession(ctx, req);
  if (!login) return undefined;
  const direct = login.session.earlier ?? [];
  // No browser holds the earlier logins, so no site session is added to them after this read.
  const directRecords = await Promise.all(
    direct.map((id) => ctx.store.get<LoginRecord>(storeKeys.login(id))),
  );
  // A login that replaced one of them alongside this one (two tabs finishing logins at once) ends too.
  const alongside = [...new Set(directRecords.flatMap((record) => record?.later ?? []))].filter(
    (id) => id !== login.id && !direct.includes(id),
  );
  const earlier = [...direct, ...alongside];
  const earlierRecords = [
    ...directRecords,
    ...(await Promise.all(alongside.map((id) => ctx.store.get<LoginRecord>(storeKeys.login(id))))),
  ];
  // The current login is removed by compare-and-swap, so the sessions named are exactly those that ended
  // (updateLogin also takes it out of its subject's index); the earlier ones go in the same step.
  const record = await updateLogin(
    ctx,
    login.id,
    (live) => ({
      result: live,
      next: null,
      writes: earlier.map((id) => ({ op: 'delete' as const, key: storeKeys.login(id) })),
    }),
    login,
  );
  ctx.logoutNotifier.sessionsEnded([
    ...(record ? endedWithLogin(ctx, login.id, record) : []),
    ...earlier.flatMap((id, i) => {
      const previous = earlierRecords[i];
      return previous ? endedWithLogin(ctx, id, previous) : [];
    }),
  ]);
  return Object.keys((record ?? login.session).sites).length;
}
