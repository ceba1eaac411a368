import { createHash } from 'node:crypto';
import { BylineError } from '../../../http/errors.js';
import { param, requiredParam } from '../../../http/params.js';
import type { EndedSiteSession, GatewayContext } from '../../gateway-context.js';
import { openSid, readCode } from '../../login/handles.js';
import { issueTokens, newFamily, type TokenResponse } from '../../login/issue.js';
import { endedSiteSession, updateLogin, withoutSiteSession } from '../../login/sessions.js';

const verifierPattern = /^[A-Za-z0-9._~-]{43,128}$/;

function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

const codeRefused = 'The code is invalid, expired or already used.';

/**
 * `grant_type=authorization_code`. The code names its site session, whose pending code must match every
 * binding. Redeeming turns the pending code into the session's refresh family in one compare-and-swap of
 * the login, so of concurrent redemptions one wins; a code presented again (after a redemption or a
 * refused attempt) is a replay and ends the site session (RFC 6749 §4.1.2).
 */
export async function redeemCode(
  ctx: GatewayContext,
  body: Record<string, unknown>,
  site: string,
  confidential: boolean,
): Promise<TokenResponse> {
  const code = requiredParam(body, 'code', { max: 256 });
  const redirectUri = requiredParam(body, 'redirect_uri');
  const verifier = param(body, 'code_verifier', { max: 256 });
  const sid = readCode(ctx.keys.rootSecret, code);
  const where = sid ? openSid(ctx.keys.rootSecret, sid) : undefined;
  if (!sid || !where) throw new BylineError('invalid_grant', codeRefused);
  let replayed: EndedSiteSession | undefined;
  const outcome = await updateLogin<TokenResponse | BylineError>(ctx, where.loginId, async (record) => {
    replayed = undefined;
    const session = record?.sites[where.number];
    if (!record || !session) return { result: new BylineError('invalid_grant', codeRefused) };
    const pending = session.code;
    if (!pending) {
      replayed = endedSiteSession(ctx, sid, record, session);
      return {
        result: new BylineError('invalid_grant', codeRefused),
        next: withoutSiteSession(record, where.number),
      };
    }
    const problem =
      pending.expires <= ctx.clock.now()
        ? 'The code has expired.'
        : session.site !== site
          ? 'The code was issued to another site.'
          : pending.redirectUri !== redirectUri
            ? 'redirect_uri does not match the authorization request.'
            : pending.codeChallenge === undefined
              ? !confidential
                ? 'This code was issued without PKCE: it is redeemed only with the site secret.'
                : verifier !== undefined
                  ? // RFC 9700 §4.8.2: a verifier for a code issued without a challenge is a code injection.
                    'A code_verifier was sent for a code issued without PKCE.'
                  : undefined
              : !verifier || !verifierPattern.test(verifier) || s256(verifier) !== pending.codeChallenge
                ? 'The PKCE code_verifier does not match.'
                : undefined;
    delete session.code;
    // A refused code is burned: its owner's later attempt is then a replay and ends the login it started.
    if (problem) return { result: new BylineError('invalid_grant', problem), next: record };
    session.refresh = newFamily(ctx, record, !confidential);
    return { result: await issueTokens(ctx, sid, record, session, 0, pending.nonce), next: record };
  });
  if (replayed) {
    ctx.log.warn({ site }, 'authorization code replayed; its login session was ended');
    ctx.logoutNotifier.sessionsEnded([replayed]);
  }
  if (outcome instanceof BylineError) throw outcome;
  return outcome;
}
