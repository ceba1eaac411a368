import type { Request, RequestHandler } from 'express';
import type { SiteConfig } from '../../config/schema.js';
import { randomId } from '../../crypto/random-id.js';
import { BylineError } from '../../http/errors.js';
import { param, requiredParam } from '../../http/params.js';
import { clientAddress, type RateLimit, tooManyRequests } from '../../http/rate-limit.js';
import { sendJson } from '../../http/send.js';
import type { Identity } from '../../identity.js';
import { gravatarUrl, guestId } from '../../tokens/subject.js';
import { verifyCsrf } from '../browser/csrf.js';
import { respondToSite } from '../browser/hand-off.js';
import { pendingRequest, takePendingRequest } from '../browser/pending-request.js';
import type { GatewayContext } from '../gateway-context.js';
import { issueTokens, newFamily } from '../login/issue.js';
import { recordLogin } from '../login/login-events.js';
import { addSiteSession, newLogin } from '../login/sessions.js';
import { signIn } from '../login/sign-in.js';
import { renderChooser } from './chooser.js';

/** What a guest typed, as the chooser redisplays it after a field error. */
interface GuestInput {
  name?: string;
  email?: string;
  website?: string;
}

type GuestField = keyof GuestInput;

function fieldError(field: GuestField, message: string): BylineError {
  return new BylineError('invalid_request', message, { extra: { field } });
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const controlCharacters = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const emailPattern = /^[^\s@"<>(),;:\\]{1,64}@[^\s@"<>(),;:\\.]+(\.[^\s@"<>(),;:\\.]+)+$/;

function text(body: Record<string, unknown>, field: GuestField, max: number): string | undefined {
  const value = body[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw fieldError(field, `The ${field} must be text.`);
  if (value.length > max * 4) throw fieldError(field, `The ${field} is too long.`);
  const trimmed = value.replace(/[ \t]+/g, ' ').trim();
  return trimmed ? trimmed : undefined;
}

/**
 * Validates a guest's name, email and website against the site's rules. Errors name the field, so the
 * widget and the chooser can show them next to it.
 */
function readGuestFields(body: Record<string, unknown>, site: SiteConfig): Required<GuestInput> {
  const rules = site.guests;
  const name = text(body, 'name', 80);
  if (name === undefined) {
    if (rules.requireName) throw fieldError('name', 'Enter your name.');
  } else if (name.length > 80) throw fieldError('name', 'The name can be at most 80 characters long.');
  else if (controlCharacters.test(name) || /[<>]/.test(name) || /:\/\//.test(name))
    throw fieldError('name', 'The name contains characters that are not allowed.');
  else if (!/[\p{L}\p{N}]/u.test(name)) throw fieldError('name', 'The name needs at least one letter.');

  const email = text(body, 'email', 254);
  if (email === undefined) {
    if (rules.requireEmail) throw fieldError('email', 'Enter your email address. It is never made public.');
  } else if (email.length > 254 || !emailPattern.test(email))
    throw fieldError('email', 'Enter a valid email address, like name@example.com.');

  const rawWebsite = text(body, 'website', 2048);
  let website = '';
  if (rawWebsite !== undefined) {
    const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(rawWebsite) ? rawWebsite : `https://${rawWebsite}`;
    let url: URL | undefined;
    try {
      url = new URL(withScheme);
    } catch {}
    if (
      !url ||
      (url.protocol !== 'https:' && url.protocol !== 'http:') ||
      !url.hostname.includes('.') ||
      url.username ||
      url.password ||
      url.href.length > 2048
    )
      throw fieldError('website', 'Enter the address of your website, like https://example.com.');
    website = url.href;
  }
  return { name: name ?? 'Anonymous', email: email ?? '', website };
}

/** The identity a guest login gets: `guest:` + HMAC of the normalised email, or a random id without one. */
function guestIdentity(ctx: GatewayContext, fields: Required<GuestInput>): Identity {
  return {
    provider: 'guest',
    id: fields.email ? guestId(ctx.keys.rootSecret, fields.email) : randomId(18),
    name: fields.name,
    emailVerified: false,
    ...(fields.email ? { email: fields.email.trim(), picture: gravatarUrl(fields.email) } : {}),
    ...(fields.website ? { website: fields.website } : {}),
  };
}

async function limit(rateLimit: RateLimit, req: Request): Promise<void> {
  const wait = await rateLimit.consume(clientAddress(req));
  if (wait > 0) throw tooManyRequests(wait, 'Too many guest logins from this address. Try again shortly.');
}

export interface GuestHandlers {
  /** `POST /guest`: the widget's guest login, from a site origin, answered with a token response. */
  widget: RequestHandler;
  /** `POST /auth/guest`: the chooser's guest form, continuing a pending authorization request. */
  chooser: RequestHandler;
}

/**
 * Guest logins. A guest gets a site session only: no Byline browser session, because what a guest
 * typed proves nothing, so it must not follow the reader to other sites or replace a provider login.
 */
export function guestHandlers(ctx: GatewayContext, rateLimit?: RateLimit): GuestHandlers {
  const limiter = rateLimit ?? ctx.rateLimits.guest;

  const widget: RequestHandler = async (req, res) => {
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    const body = (req.body ?? {}) as Record<string, unknown>;
    const site = ctx.sites.get(requiredParam(body, 'client_id', { max: 64 }));
    if (!site) throw new BylineError('invalid_client', 'Unknown client.');
    const origin = req.headers.origin;
    if (!origin || !site.origins.includes(origin))
      throw new BylineError('forbidden', 'Guest logins are accepted only from the site’s own pages.');
    if (!site.guests.enabled) throw new BylineError('forbidden', 'This site does not accept guest comments.');
    await limit(limiter, req);
    const login = newLogin(ctx, guestIdentity(ctx, readGuestFields(body, site)), { browser: false });
    const { sid, session } = addSiteSession(ctx, login.id, login.record, {
      site: site.id,
      refresh: newFamily(ctx, login.record, true),
    });

    // login.writes store the record as it is now, with its site session.
    await ctx.store.write(login.writes);
    sendJson(res, await issueTokens(ctx, sid, login.record, session, 0));
    ctx.metrics.tokensIssued.inc({ grant: 'guest', site: site.id });
    recordLogin(ctx, { site: site.id, started: ctx.clock.now() }, 'guest', 'success');
  };

  const chooser: RequestHandler = async (req, res) => {
    verifyCsrf(ctx, req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const id = requiredParam(body, 'ar', { max: 64 });
    const request = await pendingRequest(ctx, req, id);
    const site = ctx.sites.get(request.site);
    if (!site?.guests.enabled)
      throw new BylineError('forbidden', 'This site does not accept guest comments.');
    await limit(limiter, req);
    let fields: Required<GuestInput>;
    try {
      fields = readGuestFields(body, site);
    } catch (error) {
      if (!(error instanceof BylineError) || !error.extra.field) throw error;
      res.status(400);
      await renderChooser(ctx, req, res, site, request, {
        values: {
          name: param(body, 'name', { max: 1000 }),
          email: param(body, 'email', { max: 1000 }),
          website: param(body, 'website', { max: 4000 }),
        },
        error: { field: error.extra.field as GuestField, message: error.message },
      });
      return;
    }
    const taken = await takePendingRequest(ctx, id);
    const { code } = await signIn(ctx, taken, guestIdentity(ctx, fields), undefined);
    respondToSite(ctx, res, taken, { code });
    recordLogin(ctx, taken, 'guest', 'success');
  };

  return { widget, chooser };
}
