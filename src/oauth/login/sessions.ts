import { randomId } from '../../crypto/random-id.js';
import type { Identity } from '../../identity.js';
import { StoreUnavailableError, type StoreWrite } from '../../store/store.js';
import { type CommenterClaims, commenterClaims } from '../../tokens/claims.js';
import { pairwiseSubject, publicSubject } from '../../tokens/subject.js';
import type { EndedSiteSession, GatewayContext } from '../gateway-context.js';
import { loginIdBytes, openSid, sidFor } from './handles.js';
import type { LoginRecord, SiteSession } from './records.js';
import { storeKeys } from './store-keys.js';

/** How many earlier logins of one browser its logout still ends (the oldest are forgotten first). */
const earlierLimit = 20;

/** A login record as read, with the version its update must start from. */
export interface LiveLogin {
  id: string;
  session: LoginRecord;
  version: string;
}

/** A login not stored yet, and the writes that store it (with the caller's other writes, in one batch). */
export interface NewLogin {
  id: string;
  record: LoginRecord;
  writes: StoreWrite[];
}

const ttlOf = (ctx: GatewayContext, record: LoginRecord) => Math.max(record.expires - ctx.clock.now(), 1);

/**
 * A new login for `identity`. With `browser` it is held by a browser (a new cookie secret: never a
 * planted one); `earlier` is the login that browser held before, whose logout-chain it inherits.
 * Guests get a login without a browser: what a guest typed must not follow the reader to other sites.
 */
export function newLogin(
  ctx: GatewayContext,
  identity: Identity,
  options: { browser: boolean; earlier?: LiveLogin },
): NewLogin {
  const id = randomId(loginIdBytes);
  const now = ctx.clock.now();
  const earlier = options.earlier
    ? [options.earlier.id, ...(options.earlier.session.earlier ?? [])].slice(0, earlierLimit)
    : [];
  // An OpenID provider says when the reader authenticated there (an earlier single sign-on session);
  // other providers authenticate them now. Never later than now: a skewed upstream clock moves nothing.
  // Kept once, as the login's authTime, not again inside the stored identity.
  const { authTime: upstreamAuthTime, ...who } = identity;
  const record: LoginRecord = {
    identity: who,
    authTime: Math.min(upstreamAuthTime ?? now, now),
    ...(options.browser ? { browser: randomId(16) } : {}),
    expires: now + ctx.config.session.ttl,
    ...(earlier.length > 0 ? { earlier } : {}),
    next: 0,
    sites: {},
  };
  return { id, record, writes: loginWrites(ctx, id, record) };
}

/** The writes that store login `id` and add it to its subject's index. */
function loginWrites(ctx: GatewayContext, id: string, record: LoginRecord): StoreWrite[] {
  return [
    { op: 'set', key: storeKeys.login(id), value: record, ttlMs: ttlOf(ctx, record) },
    {
      op: 'addToSet',
      key: storeKeys.subjectLogins(publicSubject(record.identity)),
      members: [id],
      ttlMs: ttlOf(ctx, record),
    },
  ];
}

/**
 * Adds a site session to `record` (changing it) and answers its sid, the session as stored, and the
 * redeemed site sessions it pushed out past the limit (their sites hold tokens: a back-channel logout
 * tells them).
 */
export function addSiteSession(
  ctx: GatewayContext,
  loginId: string,
  record: LoginRecord,
  session: SiteSession,
): { sid: string; session: SiteSession; evicted: EndedSiteSession[] } {
  const number = record.next;
  record.next = number + 1;
  const stored: SiteSession = {
    ...session,
    // The subject kind is fixed when the session begins: a reloaded config must not change a sid's sub.
    ...(ctx.config.tokens.subject === 'pairwise' ? { pairwise: true } : {}),
  };
  record.sites[number] = stored;
  const now = ctx.clock.now();
  const evicted = evictBeyondLimit(record, number).flatMap(([n, ended]) =>
    ended.refresh && ended.refresh.expires > now
      ? [endedSiteSession(ctx, sidFor(ctx.keys.rootSecret, loginId, n), record, ended)]
      : [],
  );
  return { sid: sidFor(ctx.keys.rootSecret, loginId, number), session: stored, evicted };
}

/**
 * The most site sessions one login keeps. Every /authorize from a browser holding a login adds one, so
 * without a bound a page could grow the record (and every lookup of it) without end.
 */
export const siteSessionLimit = 50;

/**
 * Past the limit, the oldest unredeemed site sessions go first (nobody holds a token of theirs), then the
 * oldest; never `added`, the one being added (its code is on its way to the site). Answers the sessions
 * removed, with their numbers.
 */
function evictBeyondLimit(record: LoginRecord, added: number): [number, SiteSession][] {
  const numbers = Object.keys(record.sites)
    .map(Number)
    .filter((n) => n !== added);
  let excess = numbers.length + 1 - siteSessionLimit;
  const evicted: [number, SiteSession][] = [];
  if (excess <= 0) return evicted;
  const byAge = numbers.sort((a, b) => a - b);
  const unredeemed = byAge.filter((n) => !record.sites[n]?.refresh);
  for (const n of [...unredeemed, ...byAge]) {
    if (excess <= 0) break;
    const session = record.sites[n];
    if (session === undefined) continue;
    delete record.sites[n];
    evicted.push([n, session]);
    excess--;
  }
  return evicted;
}

/**
 * Drops the site sessions nothing can use any more: a code that expired unredeemed, a burned code (refused
 * once; its tokens were never issued), a refresh family past its lifetime. Done on every write, so what a
 * login holds is what is live; a login left with neither a browser nor a site session serves nobody.
 */
function withoutDeadSessions(record: LoginRecord, now: number): LoginRecord | null {
  for (const [number, session] of Object.entries(record.sites)) {
    if (!isLive(session, now)) delete record.sites[number];
  }
  return servesNobody(record) ? null : record;
}

/**
 * No browser holds the login, it has no site session, and no later login reaches other logins through it
 * (`later`, kept so that two logins that replaced it at once each end the other at logout).
 */
function servesNobody(record: LoginRecord): boolean {
  return !record.browser && !record.later && Object.keys(record.sites).length === 0;
}

/** A site session holds a live refresh family, or a code that may still be redeemed. */
export function isLive(session: SiteSession, now: number): boolean {
  return session.refresh ? session.refresh.expires > now : (session.code?.expires ?? 0) > now;
}

/** The `sub` a site session's tokens carry: pairwise when the session began so. */
function siteSubject(ctx: GatewayContext, record: LoginRecord, session: SiteSession): string {
  const sub = publicSubject(record.identity);
  return session.pairwise ? pairwiseSubject(ctx.keys.rootSecret, session.site, sub) : sub;
}

/** What a back-channel logout says of site session `sid` when it ends. */
export function endedSiteSession(
  ctx: GatewayContext,
  sid: string,
  record: LoginRecord,
  session: SiteSession,
): EndedSiteSession {
  return { site: session.site, sid, sub: siteSubject(ctx, record, session) };
}

/** The claims a site session's tokens carry, from the login's identity. */
export function siteClaims(ctx: GatewayContext, record: LoginRecord, session: SiteSession): CommenterClaims {
  return commenterClaims(record.identity, session.site, {
    subject: session.pairwise ? 'pairwise' : 'public',
    rootSecret: ctx.keys.rootSecret,
  });
}

/** What an update decided: the value to return, and the record to store (null: remove the login). */
export interface Decision<R> {
  result: R;
  next?: LoginRecord | null;
  writes?: StoreWrite[];
}

/** Concurrent updates of one login that lose the swap read again; this many rounds is contention, not use. */
const maxRounds = 50;

/**
 * Reads login `id`, lets `decide` look at it, and stores what it decided only if nobody changed the
 * login in between (compare-and-swap); otherwise reads again and decides again. `decide` may run more
 * than once, so it must not have effects of its own; it may change the record it is given (every round
 * gets a fresh copy from the store). `first` is a read the caller already has and gives up.
 */
export async function updateLogin<R>(
  ctx: GatewayContext,
  id: string,
  decide: (record: LoginRecord | undefined) => Decision<R> | Promise<Decision<R>>,
  first?: { session: LoginRecord; version: string },
): Promise<R> {
  const key = storeKeys.login(id);
  let read: { value: LoginRecord; version: string } | undefined = first
    ? { value: first.session, version: first.version }
    : await ctx.store.getVersioned<LoginRecord>(key);
  for (let round = 0; round < maxRounds; round++) {
    const live = read && read.value.expires > ctx.clock.now() ? read.value : undefined;
    const decision = await decide(live);
    if (decision.next === undefined && !decision.writes?.length) return decision.result;
    const chosen = decision.next === undefined ? live : decision.next;
    const next = chosen ? withoutDeadSessions(chosen, ctx.clock.now()) : chosen;
    const writes = [...(decision.writes ?? [])];
    if (next === null && live)
      writes.push({
        op: 'removeFromSet',
        key: storeKeys.subjectLogins(publicSubject(live.identity)),
        members: [id],
      });
    const stored = next ? { value: next, ttlMs: ttlOf(ctx, next) } : undefined;
    if (await ctx.store.swap(key, read?.version, stored, writes)) return decision.result;
    read = await ctx.store.getVersioned<LoginRecord>(key);
  }
  // Answered like an unreachable store (503, Retry-After): the request may simply be tried again.
  throw new StoreUnavailableError('swap', {
    cause: new Error(`a login changed ${maxRounds} times while one request was updating it`),
  });
}

/** A live site session and the login it belongs to. */
export interface LiveSiteSession {
  record: LoginRecord;
  session: SiteSession;
}

/** The live site session a sid names, with its login. */
export async function liveSiteSession(
  ctx: GatewayContext,
  sid: string,
): Promise<LiveSiteSession | undefined> {
  const where = openSid(ctx.keys.rootSecret, sid);
  if (!where) return undefined;
  const record = await ctx.store.get<LoginRecord>(storeKeys.login(where.loginId));
  const session = record?.sites[where.number];
  return record && session && record.expires > ctx.clock.now() ? { record, session } : undefined;
}

/** Removes site session `number`; a login that then serves nobody is removed. */
export function withoutSiteSession(record: LoginRecord, number: number): LoginRecord | null {
  delete record.sites[number];
  return servesNobody(record) ? null : record;
}

/**
 * The login this browser held before a new login replaces it: it keeps its site sessions (ended by the
 * new login's logout) but no browser holds it any more, so its cookie stops working everywhere. The new
 * login and `also` land in the same atomic step. Two tabs that finish logins at once both replace the
 * same login: the second finds it replaced already and takes the first's login into its `earlier`,
 * while the replaced login names both in `later`, so whichever cookie the browser keeps, its logout
 * ends the other login too.
 */
export async function releaseBrowser(
  ctx: GatewayContext,
  previous: LiveLogin,
  login: NewLogin,
  also: StoreWrite[] = [],
): Promise<void> {
  await updateLogin(
    ctx,
    previous.id,
    (record) => {
      if (!record) return { result: undefined, writes: [...login.writes, ...also] };
      const alongside = record.browser ? [] : (record.later ?? []);
      delete record.browser;
      record.later = [...alongside, login.id].slice(-earlierLimit);
      const joined: LoginRecord = {
        ...login.record,
        earlier: [...alongside, ...(login.record.earlier ?? [])].slice(0, earlierLimit),
      };
      const writes = alongside.length > 0 ? loginWrites(ctx, login.id, joined) : login.writes;
      return { result: undefined, next: record, writes: [...writes, ...also] };
    },
    previous,
  );
}

/** Whether the browser's login is younger than `max_age` allows (OpenID Connect Core §3.1.2.1). */
export function recentEnough(ctx: GatewayContext, login: LiveLogin, maxAge: number | undefined): boolean {
  if (maxAge === undefined) return true;
  const authTime = login.session.authTime ?? login.session.expires - ctx.config.session.ttl;
  return ctx.clock.now() - authTime <= maxAge * 1000;
}
