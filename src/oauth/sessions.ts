import type { Request, Response } from 'express';
import { readCookie, setCookie } from '../http/cookies.js';
import type { Identity } from '../providers/provider.js';
import type { StoreWrite } from '../store/store.js';
import { commenterClaims } from '../tokens/claims.js';
import { publicSubject } from '../tokens/subject.js';
import type { GatewayContext } from './context.js';
import { type BrowserSession, keys, randomId, type SiteSession } from './records.js';

export const sessionCookie = 'byline_session';

/** The live browser session named by the request's cookie, if any. */
export async function currentBrowserSession(
  ctx: GatewayContext,
  req: Request,
): Promise<{ id: string; session: BrowserSession } | undefined> {
  const id = readCookie(req, ctx.cookies.name(sessionCookie));
  if (!id || id.length > 64) return undefined;
  const session = await ctx.store.get<BrowserSession>(keys.browserSession(id));
  if (!session || session.expires <= ctx.clock.now()) return undefined;
  return { id, session };
}

/** A new session and the store writes that create it; the caller commits them with its other writes. */
export interface Pending<T> {
  id: string;
  session: T;
  writes: StoreWrite[];
}

/**
 * A new browser session for `identity`. The id is always new (no session fixation); the session the
 * browser had before (`previous`) is ended, and the site sessions started under it (`inherited`) are
 * handed to the new one, so that `POST /logout` still ends every login made in this browser.
 */
export function newBrowserSession(
  ctx: GatewayContext,
  identity: Identity,
  previous?: { id: string; siteSessions: string[] },
): Pending<BrowserSession> {
  const id = randomId();
  const now = ctx.clock.now();
  const ttl = ctx.config.session.ttl;
  const session: BrowserSession = { identity, created: now, expires: now + ttl };
  const writes: StoreWrite[] = [
    { op: 'set', key: keys.browserSession(id), value: session, ttlMs: ttl },
    {
      op: 'addToSet',
      key: keys.subjectSessions(publicSubject(identity)),
      members: [keys.browserSession(id)],
      ttlMs: ttl,
    },
  ];
  if (previous) {
    writes.push({ op: 'delete', key: keys.browserSession(previous.id) });
    writes.push({ op: 'delete', key: keys.browserSiteSessions(previous.id) });
    if (previous.siteSessions.length > 0)
      writes.push({
        op: 'addToSet',
        key: keys.browserSiteSessions(id),
        members: previous.siteSessions,
        ttlMs: ttl,
      });
  }
  return { id, session, writes };
}

/** The browser's previous session id (from its cookie) and the site sessions under it, for newBrowserSession. */
export async function previousBrowserSession(
  ctx: GatewayContext,
  req: Request,
): Promise<{ id: string; siteSessions: string[] } | undefined> {
  const id = readCookie(req, ctx.cookies.name(sessionCookie));
  if (!id || id.length > 64) return undefined;
  return { id, siteSessions: await ctx.store.members(keys.browserSiteSessions(id)) };
}

export function setSessionCookie(ctx: GatewayContext, res: Response, id: string): void {
  setCookie(res, ctx.cookies, sessionCookie, id, ctx.config.session.ttl);
}

/** A site session (`sid`) of one site under a login; it lives no longer than the login. */
export function newSiteSession(
  ctx: GatewayContext,
  site: string,
  identity: Identity,
  browser: { id: string; session: BrowserSession } | undefined,
): Pending<SiteSession> {
  const sid = randomId(18);
  const now = ctx.clock.now();
  const expires = browser ? browser.session.expires : now + ctx.config.session.ttl;
  const session: SiteSession = {
    site,
    ...(browser ? { browserSession: browser.id } : {}),
    claims: commenterClaims(identity, site, {
      subject: ctx.config.tokens.subject,
      subjectKey: ctx.keys.subjectKey,
    }),
    created: now,
    expires,
  };
  const ttl = Math.max(expires - now, 1);
  const writes: StoreWrite[] = [
    { op: 'set', key: keys.siteSession(sid), value: session, ttlMs: ttl },
    {
      op: 'addToSet',
      key: keys.subjectSessions(publicSubject(identity)),
      members: [keys.siteSession(sid)],
      ttlMs: ttl,
    },
  ];
  if (browser)
    writes.push({
      op: 'addToSet',
      key: keys.browserSiteSessions(browser.id),
      members: [keys.siteSession(sid)],
      ttlMs: ttl,
    });
  return { id: sid, session, writes };
}

export async function liveSiteSession(ctx: GatewayContext, sid: string): Promise<SiteSession | undefined> {
  const session = await ctx.store.get<SiteSession>(keys.siteSession(sid));
  return session && session.expires > ctx.clock.now() ? session : undefined;
}

/**
 * Ends one site session and its refresh token family: every access token and refresh token issued
 * under it stops working at once (refresh, /userinfo and /introspect all look the session up).
 */
export async function endSiteSession(ctx: GatewayContext, sid: string): Promise<void> {
  await ctx.store.delete(keys.siteSession(sid), keys.refreshFamily(sid));
}

/** Ends a browser session and every site session started under it (`POST /logout`). */
export async function endBrowserSession(ctx: GatewayContext, id: string): Promise<number> {
  const index = keys.browserSiteSessions(id);
  // The browser session goes first, so no new /authorize can add a site session after the index is read.
  await ctx.store.delete(keys.browserSession(id));
  const siteSessions = await ctx.store.members(index);
  await ctx.store.delete(...siteSessions, index);
  return siteSessions.length;
}

/** Ends every browser and site session of a public subject (`<idp>:<id>`), e.g. on Facebook data deletion. */
export async function endSubjectSessions(ctx: GatewayContext, publicSub: string): Promise<number> {
  const index = keys.subjectSessions(publicSub);
  const sessionKeys = await ctx.store.members(index);
  await ctx.store.delete(...sessionKeys, index);
  return sessionKeys.length;
}
