import type { Request, Response } from 'express';
import { readCookie, setCookie } from '../http/cookies.js';
import type { Identity } from '../providers/provider.js';
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

/**
 * Starts a new browser session for `identity`. The id is always new (no session fixation); the session
 * the browser had before is ended, and the site sessions started under it are handed to the new one,
 * so that `POST /logout` still ends every login made in this browser.
 */
export async function startBrowserSession(
  ctx: GatewayContext,
  req: Request,
  res: Response,
  identity: Identity,
): Promise<string> {
  const previous = readCookie(req, ctx.cookies.name(sessionCookie));
  let inherited: string[] = [];
  if (previous && previous.length <= 64) {
    await ctx.store.delete(keys.browserSession(previous));
    inherited = await ctx.store.members(keys.browserSiteSessions(previous));
  }
  const id = randomId();
  const now = ctx.clock.now();
  const ttl = ctx.config.session.ttl;
  const session: BrowserSession = { identity, created: now, expires: now + ttl };
  await Promise.all([
    ctx.store.set(keys.browserSession(id), session, ttl),
    ctx.store.addToSet(keys.subjectSessions(publicSubject(identity)), [keys.browserSession(id)], ttl),
    ...(inherited.length > 0 && previous
      ? [
          ctx.store.addToSet(keys.browserSiteSessions(id), inherited, ttl),
          ctx.store.delete(keys.browserSiteSessions(previous)),
        ]
      : []),
  ]);
  setCookie(res, ctx.cookies, sessionCookie, id, ttl);
  return id;
}

/** Creates the site session (`sid`) of one site under a login; it lives no longer than the login. */
export async function startSiteSession(
  ctx: GatewayContext,
  site: string,
  identity: Identity,
  browser: { id: string; session: BrowserSession } | undefined,
): Promise<string> {
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
  await Promise.all([
    ctx.store.set(keys.siteSession(sid), session, ttl),
    ctx.store.addToSet(keys.subjectSessions(publicSubject(identity)), [keys.siteSession(sid)], ttl),
    ...(browser
      ? [ctx.store.addToSet(keys.browserSiteSessions(browser.id), [keys.siteSession(sid)], ttl)]
      : []),
  ]);
  return sid;
}

export async function liveSiteSession(ctx: GatewayContext, sid: string): Promise<SiteSession | undefined> {
  const session = await ctx.store.get<SiteSession>(keys.siteSession(sid));
  return session && session.expires > ctx.clock.now() ? session : undefined;
}

/**
 * Ends one site session: every access token and refresh token issued under it stops working at once
 * (refresh, /userinfo and /introspect all look the session up).
 */
export async function endSiteSession(ctx: GatewayContext, sid: string, family?: string): Promise<void> {
  await ctx.store.delete(keys.siteSession(sid), ...(family ? [keys.refreshFamily(family)] : []));
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
