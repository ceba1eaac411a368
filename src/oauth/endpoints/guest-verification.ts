import type { Request, RequestHandler } from 'express';
import type { SiteConfig } from '../../config/schema.js';
import { BylineError } from '../../http/errors.js';
import { param } from '../../http/params.js';
import { clientAddress, clientNetwork, tooManyRequests } from '../../http/rate-limit.js';
import { sendJson } from '../../http/send.js';
import { type Message, msg } from '../../i18n/message.js';
import { requestLocale } from '../../i18n/request-locale.js';
import { guestCodeMail } from '../../mail/guest-code-mail.js';
import { MailError } from '../../mail/mailer.js';
import type { GatewayContext } from '../gateway-context.js';
import {
  addressRequester,
  type CodeRequester,
  claimConfirmed,
  emailRateKey,
  guestCodeTtlMs,
  newGuestCode,
  spendGuestCode,
} from '../login/guest-codes.js';
import { readGuestFields } from './guest-fields.js';
import { guestWidgetRequest } from './guest-widget-request.js';

/** What readers are told about codes. */
export const codeMessages = {
  missing: msg('code.missing'),
  malformed: msg('code.malformed'),
  wrong: (count: number) => msg('code.wrong', { count }),
  dead: msg('code.dead'),
  expired: msg('code.expired'),
  emailNeeded: msg('code.emailNeeded'),
  notVerifying: msg('code.notVerifying'),
  tooManyFromAddress: msg('code.tooManyFromAddress'),
  tooManyForEmail: msg('code.tooManyForEmail'),
  tooManyForSite: msg('code.tooManyForSite'),
  tooManyWrong: msg('code.tooManyWrong'),
  recipientRefused: msg('code.recipientRefused'),
  unreachable: msg('code.unreachable'),
  refused: msg('code.refused'),
  sent: (email: string) => msg('code.sent', { email }),
};

/**
 * A typed code in ASCII digits: compatibility forms such as full-width digits folded (NFKC), Arabic-Indic
 * and Extended Arabic-Indic digits (which NFKC keeps) mapped, and spaces and dashes, as readers copy
 * codes, dropped.
 */
function asciiCode(typed: string): string {
  return typed
    .normalize('NFKC')
    .replace(/[\u0660-\u0669]/g, (digit) => String(digit.charCodeAt(0) - 0x0660))
    .replace(/[\u06f0-\u06f9]/g, (digit) => String(digit.charCodeAt(0) - 0x06f0))
    .replace(/[\s\-\u2010-\u2015\u2212]/g, '');
}

const codeError = (message: Message) =>
  new BylineError('invalid_request', message, { extra: { field: 'code' } });

/** Refused: a rate limit (its wait and message), counted in the code mails metric as `limited`. */
function limited(ctx: GatewayContext, site: SiteConfig, wait: number, message: Message): BylineError {
  ctx.metrics.guestCodeMails.inc({ site: site.id, outcome: 'limited' });
  return tooManyRequests(wait, message);
}

/**
 * Mails a fresh code for `email` at `site` (replacing any earlier one), once: rate-limited per client
 * network, per mailbox mailed to and per site, in that order (a request refused by one limit counts
 * against none after it), and never to an address that typed too many wrong codes. Stored only once
 * the server took the mail (a failed mail leaves the earlier code working). Nothing of the mail, the
 * code or the address is logged.
 */
export async function sendGuestCode(
  ctx: GatewayContext,
  req: Request,
  site: SiteConfig,
  email: string,
  requester: CodeRequester,
): Promise<void> {
  const mailer = ctx.mailer;
  // The config refuses verifyEmail without smtp; a site that does not verify gets no mail either.
  if (!mailer || site.guests.verifyEmail === 'off')
    throw new BylineError('forbidden', codeMessages.notVerifying);
  if (!email)
    throw new BylineError('invalid_request', codeMessages.emailNeeded, { extra: { field: 'email' } });
  const emailKey = emailRateKey(ctx, email);
  const guessed = await ctx.rateLimits.guestWrongCodes.blocked(emailKey);
  if (guessed > 0) throw limited(ctx, site, guessed, codeMessages.tooManyWrong);
  const limits = [
    [ctx.rateLimits.guestCodes, clientNetwork(req), codeMessages.tooManyFromAddress],
    [ctx.rateLimits.guestCodesPerEmail, emailKey, codeMessages.tooManyForEmail],
    [ctx.rateLimits.guestMailsPerSite, site.id, codeMessages.tooManyForSite],
  ] as const;
  for (const [limit, key, message] of limits) {
    const wait = await limit.consume(key);
    if (wait > 0) throw limited(ctx, site, wait, message);
  }
  const { code, linkToken, write } = newGuestCode(ctx, { site: site.id, email, requester });
  // In the language of the form that asked for it; its link opens a page in that language too.
  const locale = requestLocale(req);
  const mail = guestCodeMail(locale, {
    to: email,
    site: site.name,
    code,
    link: `${ctx.issuer}/guest/verify?ui_locales=${locale}&token=${linkToken}`,
    minutes: guestCodeTtlMs / 60_000,
  });
  try {
    await mailer.send(mail);
  } catch (error) {
    if (!(error instanceof MailError)) throw error;
    const outcome = error.kind === 'unreachable' ? 'unreachable' : 'refused';
    ctx.metrics.guestCodeMails.inc({ site: site.id, outcome });
    ctx.log.warn({ site: site.id, mail: { kind: error.kind, ...error.detail } }, 'guest code not mailed');
    if (error.kind === 'recipient')
      throw new BylineError('invalid_request', codeMessages.recipientRefused, { extra: { field: 'email' } });
    throw new BylineError(
      'temporarily_unavailable',
      error.kind === 'unreachable' ? codeMessages.unreachable : codeMessages.refused,
      { headers: { 'Retry-After': '60' } },
    );
  }
  await ctx.store.write([write]);
  ctx.metrics.guestCodeMails.inc({ site: site.id, outcome: 'sent' });
  ctx.log.info({ site: site.id }, 'guest code mailed');
}

/**
 * `POST /guest/code` (`client_id`, `email`): the widget asks for a code, from one of the
 * site's origins. Answers `202 {"sent":true}`; field errors name the field, as `POST /guest` does.
 */
export function guestCodeHandler(ctx: GatewayContext): RequestHandler {
  return async (req, res) => {
    const { site, body } = guestWidgetRequest(ctx, req, res, msg('code.otherOrigin'));
    if (site.guests.verifyEmail === 'off') throw new BylineError('forbidden', codeMessages.notVerifying);
    // A name sent along (as older widgets do) is ignored: the mail names nobody.
    const { email } = readGuestFields({ email: body.email }, { requireEmail: true, requireName: false });
    await sendGuestCode(ctx, req, site, email, addressRequester(ctx, clientAddress(req)));
    res.status(202);
    sendJson(res, { sent: true });
  };
}

/**
 * Whether a guest login at `site` comes with a proven address: the code typed (`code` in `body`), or a
 * confirmation by the mail's link from `requester`. With `verifyEmail: optional` a guest who tried
 * neither is simply not verified; with `required` that is the code field's error, as is a wrong code
 * anywhere (it says how many tries are left).
 */
export async function guestVerification(
  ctx: GatewayContext,
  site: SiteConfig,
  body: Record<string, unknown>,
  email: string,
  requester: CodeRequester,
): Promise<boolean> {
  const mode = site.guests.verifyEmail;
  if (mode === 'off') return false;
  if (!email) {
    if (mode === 'required')
      throw new BylineError('invalid_request', codeMessages.emailNeeded, { extra: { field: 'email' } });
    return false;
  }
  const code = asciiCode(param(body, 'code', { max: 32 }) ?? '');
  if (!code) {
    if (await claimConfirmed(ctx, { site: site.id, email, requester })) return true;
    if (mode === 'optional') return false;
    throw codeError(codeMessages.missing);
  }
  if (!/^\d{6}$/.test(code)) throw codeError(codeMessages.malformed);
  // Each code allows five tries, and a new code starts again: this caps the guesses at one address.
  const emailKey = emailRateKey(ctx, email);
  const guessed = await ctx.rateLimits.guestWrongCodes.blocked(emailKey);
  if (guessed > 0) throw tooManyRequests(guessed, codeMessages.tooManyWrong);
  const outcome = await spendGuestCode(ctx, { site: site.id, email, code, requester });
  if (outcome.verified) return true;
  if (outcome.reason === 'expired') throw codeError(codeMessages.expired);
  const over = await ctx.rateLimits.guestWrongCodes.consume(emailKey);
  if (over > 0) throw tooManyRequests(over, codeMessages.tooManyWrong);
  throw codeError(outcome.triesLeft > 0 ? codeMessages.wrong(outcome.triesLeft) : codeMessages.dead);
}
