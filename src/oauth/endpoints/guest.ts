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

/** What is wrong with each field. */
type FieldErrors = Partial<Record<GuestField, string>>;

/** The form's order: the first error named is the field the reader is taken to. */
const fieldOrder: readonly GuestField[] = ['email', 'name', 'website'];

const messages = {
  notText: (field: GuestField) => `The ${field} must be text.`,
  tooLong: (field: GuestField) => `The ${field} is too long.`,
  nameMissing: 'Enter your name.',
  nameTooLong: 'The name can be at most 80 characters long.',
  nameCharacters: 'The name contains characters that are not allowed.',
  nameNoLetter: 'The name needs at least one letter.',
  emailMissing: 'Enter your email address. It is never made public.',
  emailInvalid: 'Enter a valid email address, like name@example.com.',
  websiteInvalid: 'Enter the address of your website, like https://example.com.',
};

/**
 * Every field error of a guest form at once, so the reader fixes them in one go: `fields` has each
 * field's message, `field` (as before) the first in the form's order.
 */
class GuestFieldsError extends BylineError {
  readonly fields: FieldErrors;

  constructor(errors: FieldErrors) {
    const fields = Object.fromEntries(
      fieldOrder.flatMap((field) => (errors[field] === undefined ? [] : [[field, errors[field]]])),
    ) as Record<GuestField, string>;
    super('invalid_request', Object.values(fields).join(' '), {
      extra: { field: Object.keys(fields)[0] as GuestField, fields },
    });
    this.fields = fields;
  }
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const controlCharacters = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const emailPattern = /^[^\s@"<>(),;:\\]{1,64}@[^\s@"<>(),;:\\.]+(\.[^\s@"<>(),;:\\.]+)+$/;

/** A field's text, spaces collapsed and trimmed; undefined when empty or wrong (the error noted). */
function text(
  body: Record<string, unknown>,
  field: GuestField,
  max: number,
  errors: FieldErrors,
): string | undefined {
  const value = body[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') errors[field] = messages.notText(field);
  else if (value.length > max * 4) errors[field] = messages.tooLong(field);
  else return value.replace(/[ \t]+/g, ' ').trim() || undefined;
  return undefined;
}

function nameError(name: string | undefined, required: boolean): string | undefined {
  if (name === undefined) return required ? messages.nameMissing : undefined;
  if (name.length > 80) return messages.nameTooLong;
  if (controlCharacters.test(name) || /[<>]/.test(name) || /:\/\//.test(name)) return messages.nameCharacters;
  if (!/[\p{L}\p{N}]/u.test(name)) return messages.nameNoLetter;
  return undefined;
}

function emailError(email: string | undefined, required: boolean): string | undefined {
  if (email === undefined) return required ? messages.emailMissing : undefined;
  if (email.length > 254 || !emailPattern.test(email)) return messages.emailInvalid;
  return undefined;
}

/** The website as an absolute http(s) URL (`https://` added when no scheme was typed), else undefined. */
function websiteUrl(raw: string): string | undefined {
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(raw) ? raw : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return undefined;
  }
  const acceptable =
    (url.protocol === 'https:' || url.protocol === 'http:') &&
    url.hostname.includes('.') &&
    !url.username &&
    !url.password &&
    url.href.length <= 2048;
  return acceptable ? url.href : undefined;
}

/**
 * Validates a guest's name, email and website against the site's rules. Every field is checked, and
 * the errors come back together (GuestFieldsError), so the widget and the chooser can show each next
 * to its field.
 */
function readGuestFields(body: Record<string, unknown>, site: SiteConfig): Required<GuestInput> {
  const rules = site.guests;
  const errors: FieldErrors = {};
  const name = text(body, 'name', 80, errors);
  const email = text(body, 'email', 254, errors);
  const rawWebsite = text(body, 'website', 2048, errors);
  // A field that is not text, or far too long, keeps that first error.
  const check = (field: GuestField, message: string | undefined) => {
    if (message !== undefined && errors[field] === undefined) errors[field] = message;
  };
  check('name', nameError(name, rules.requireName));
  check('email', emailError(email, rules.requireEmail));
  const website = rawWebsite === undefined ? '' : websiteUrl(rawWebsite);
  check('website', website === undefined ? messages.websiteInvalid : undefined);
  if (Object.keys(errors).length > 0) throw new GuestFieldsError(errors);
  return { name: name ?? 'Anonymous', email: email ?? '', website: website ?? '' };
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
      if (!(error instanceof GuestFieldsError)) throw error;
      res.status(400);
      await renderChooser(ctx, req, res, site, request, {
        values: {
          name: param(body, 'name', { max: 1000 }),
          email: param(body, 'email', { max: 1000 }),
          website: param(body, 'website', { max: 4000 }),
        },
        errors: error.fields,
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
