import type { Request, RequestHandler, Response } from 'express';
import type { SiteConfig } from '../../config/schema.js';
import { randomId } from '../../crypto/random-id.js';
import { BylineError } from '../../http/errors.js';
import { param, requiredParam } from '../../http/params.js';
import { clientAddress, clientNetwork, type RateLimit, tooManyRequests } from '../../http/rate-limit.js';
import { sendJson } from '../../http/send.js';
import { type Message, msg, type Text } from '../../i18n/message.js';
import { localeOf, speakFor } from '../../i18n/request-locale.js';
import { translate } from '../../i18n/translate.js';
import type { Identity } from '../../identity.js';
import { gravatarUrl, guestId, verifiedGuestId } from '../../tokens/subject.js';
import { verifyCsrf } from '../browser/csrf.js';
import { respondToSite } from '../browser/hand-off.js';
import { pendingRequest, takePendingRequest } from '../browser/pending-request.js';
import { currentBrowserSession, setSessionCookie } from '../browser/session-cookie.js';
import type { GatewayContext } from '../gateway-context.js';
import { consentWrites } from '../login/consent.js';
import { addressRequester } from '../login/guest-codes.js';
import { issueTokens, newFamily } from '../login/issue.js';
import { recordLogin } from '../login/login-events.js';
import type { AuthorizationRequest } from '../login/records.js';
import { addSiteSession, newLogin } from '../login/sessions.js';
import { signIn } from '../login/sign-in.js';
import { type GuestFormState, renderChooser } from './chooser.js';
import { GuestFieldsError, type GuestInput, readGuestFields } from './guest-fields.js';
import { codeMessages, guestVerification, sendGuestCode } from './guest-verification.js';
import { guestWidgetRequest } from './guest-widget-request.js';

/**
 * The identity a guest login gets: `guest:` + HMAC of the normalised email, or a random id without one.
 * A guest who proved their address (`verified`) gets a subject of their own (verifiedGuestId), which a
 * guest who only typed it can never have.
 */
function guestIdentity(ctx: GatewayContext, fields: Required<GuestInput>, verified = false): Identity {
  const id = !fields.email
    ? randomId(18)
    : verified
      ? verifiedGuestId(ctx.keys.rootSecret, fields.email)
      : guestId(ctx.keys.rootSecret, fields.email);
  return {
    provider: 'guest',
    id,
    name: fields.name,
    emailVerified: verified,
    ...(fields.email ? { email: fields.email.trim(), picture: gravatarUrl(fields.email) } : {}),
    ...(fields.website ? { website: fields.website } : {}),
  };
}

async function limit(rateLimit: RateLimit, req: Request): Promise<void> {
  const wait = await rateLimit.consume(clientNetwork(req));
  if (wait > 0) throw tooManyRequests(wait, msg('guestError.tooMany'));
}

export interface GuestHandlers {
  /** `POST /guest`: the widget's guest login, from a site origin, answered with a token response. */
  widget: RequestHandler;
  /** `POST /auth/guest`: the chooser's guest form, continuing a pending authorization request. */
  chooser: RequestHandler;
}

/** What the chooser shows in the guest form: field errors and a notice, in the words of the chooser's language. */
interface GuestFormWords extends Omit<GuestFormState, 'values' | 'errors' | 'notice'> {
  errors?: Partial<Record<'name' | 'email' | 'website' | 'code', Text>>;
  notice?: Message;
}

/** The chooser again, with what the reader typed and `state`'s errors or notice. */
async function chooserAgain(
  ctx: GatewayContext,
  req: Request,
  res: Response,
  site: SiteConfig,
  request: AuthorizationRequest,
  { errors, notice, ...state }: GuestFormWords,
): Promise<void> {
  speakFor(res, request);
  const locale = localeOf(res);
  const words = Object.fromEntries(
    Object.entries(errors ?? {}).map(([field, text]) => [field, translate(locale, text)]),
  );
  const body = (req.body ?? {}) as Record<string, unknown>;
  const typed = (name: string, max: number) => {
    const value = body[name];
    return typeof value === 'string' && value.length <= max ? value : undefined;
  };
  await renderChooser(ctx, req, res, site, request, {
    values: { name: typed('name', 1000), email: typed('email', 1000), website: typed('website', 4000) },
    ...state,
    ...(errors ? { errors: words } : {}),
    ...(notice ? { notice: translate(locale, notice) } : {}),
  });
}

/**
 * Guest logins. A guest gets a site session only: no Byline browser session, because what a guest
 * typed proves nothing, so it must not follow the reader to other sites or replace a provider login.
 * The exception is a guest who proved their address on the chooser, at a site with
 * `guests.rememberVerified`: their login is a browser's, as a provider login is.
 */
export function guestHandlers(ctx: GatewayContext, rateLimit?: RateLimit): GuestHandlers {
  const limiter = rateLimit ?? ctx.rateLimits.guest;

  const widget: RequestHandler = async (req, res) => {
    const { site, body } = guestWidgetRequest(ctx, req, res, msg('guestError.otherOrigin'));
    await limit(limiter, req);
    const fields = readGuestFields(body, site.guests);
    const requester = addressRequester(ctx, clientAddress(req));
    const verified = await guestVerification(ctx, site, body, fields.email, requester);
    const login = newLogin(ctx, guestIdentity(ctx, fields, verified), { browser: false });
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
    speakFor(res, request);
    const site = ctx.sites.get(request.site);
    if (!site?.guests.enabled) throw new BylineError('forbidden', msg('guestError.notAccepted'));
    await limit(limiter, req);
    let fields: Required<GuestInput>;
    try {
      fields = readGuestFields(body, site.guests);
    } catch (error) {
      if (!(error instanceof GuestFieldsError)) throw error;
      res.status(400);
      await chooserAgain(ctx, req, res, site, request, {
        errors: error.fields,
        ...(param(body, 'code_sent', { max: 1 }) ? { codeSent: true } : {}),
      });
      return;
    }
    const mode = site.guests.verifyEmail;
    const codeSent = param(body, 'code_sent', { max: 1 }) === '1';
    // Shown in the form, next to its field: what was typed stays.
    const showError = async (error: unknown, field: 'email' | 'code') => {
      if (!(error instanceof BylineError) || error.status === 403) throw error;
      res.status(error.status).set(error.headers);
      const at = error.extra.field === 'email' ? 'email' : field;
      await chooserAgain(ctx, req, res, site, request, {
        errors: { [at]: error.text },
        ...(codeSent || at === 'code' ? { codeSent: true } : {}),
      });
    };
    // "Send me a code", or a required code not sent yet: mail one and ask for it.
    if (mode !== 'off' && (param(body, 'send_code', { max: 1 }) || (mode === 'required' && !codeSent))) {
      try {
        await sendGuestCode(ctx, req, site, fields.email, { request: id });
      } catch (error) {
        await showError(error, 'email');
        return;
      }
      await chooserAgain(ctx, req, res, site, request, {
        codeSent: true,
        notice: codeMessages.sent(fields.email),
      });
      return;
    }
    let verified: boolean;
    try {
      verified = await guestVerification(ctx, site, body, fields.email, { request: id });
    } catch (error) {
      await showError(error, 'code');
      return;
    }
    const identity = guestIdentity(ctx, fields, verified);
    const taken = await takePendingRequest(ctx, id);
    if (verified && site.guests.rememberVerified) {
      // As a provider login: the reader chose this site on the chooser, and the browser holds the login.
      const previous = await currentBrowserSession(ctx, req);
      const signedIn = await signIn(ctx, taken, identity, { previous }, consentWrites(ctx, site, identity));
      if (signedIn.browser) setSessionCookie(ctx, res, signedIn.browser);
      respondToSite(ctx, res, taken, { code: signedIn.code });
    } else {
      const { code } = await signIn(ctx, taken, identity, undefined);
      respondToSite(ctx, res, taken, { code });
    }
    recordLogin(ctx, taken, 'guest', 'success');
  };

  return { widget, chooser };
}
