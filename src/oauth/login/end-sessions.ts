// Ending sessions from outside the login that holds them: the site sessions a login's end takes with it
// (logout), one site session (revocation), every login of a subject (data deletion).
import type { EndedSiteSession, GatewayContext } from '../gateway-context.js';
import { openSid, sidFor } from './handles.js';
import type { LoginRecord } from './records.js';
import { endedSiteSession, isLive, updateLogin, withoutSiteSession } from './sessions.js';
import { storeKeys } from './store-keys.js';

/**
 * The site sessions that end with login `loginId`: the live ones (a site may hold their tokens, or be
 * about to redeem their code). Expired and burned ones ended before and are not named again.
 */
export function endedWithLogin(
  ctx: GatewayContext,
  loginId: string,
  record: LoginRecord,
): EndedSiteSession[] {
  const now = ctx.clock.now();
  if (record.expires <= now) return [];
  return Object.entries(record.sites).flatMap(([number, session]) =>
    isLive(session, now)
      ? [endedSiteSession(ctx, sidFor(ctx.keys.rootSecret, loginId, Number(number)), record, session)]
      : [],
  );
}

/**
 * Ends one site session and its refresh token family: every access token and refresh token issued
 * under it stops working at once (refresh, /userinfo and /introspect all look the session up).
 */
export async function endSiteSession(ctx: GatewayContext, sid: string): Promise<void> {
  const where = openSid(ctx.keys.rootSecret, sid);
  if (!where) return;
  const ended = await updateLogin(ctx, where.loginId, (record) => {
    const session = record?.sites[where.number];
    if (!record || !session) return { result: undefined };
    const result = endedSiteSession(ctx, sid, record, session);
    return { result, next: withoutSiteSession(record, where.number) };
  });
  if (ended) ctx.logoutNotifier.sessionsEnded([ended]);
}

/**
 * Ends every login of a public subject (`<idp>:<id>`), e.g. on Facebook data deletion; answers how many.
 * The logins are read first, so that the sites with back-channel logout hear which sessions ended.
 */
export async function endSubjectSessions(ctx: GatewayContext, publicSub: string): Promise<number> {
  const index = storeKeys.subjectLogins(publicSub);
  const ids = await ctx.store.members(index);
  const records = await Promise.all(ids.map((id) => ctx.store.get<LoginRecord>(storeKeys.login(id))));
  await ctx.store.delete(...ids.map((id) => storeKeys.login(id)), index);
  ctx.logoutNotifier.sessionsEnded(
    ids.flatMap((id, i) => {
      const record = records[i];
      return record ? endedWithLogin(ctx, id, record) : [];
    }),
  );
  return ids.length;
}
