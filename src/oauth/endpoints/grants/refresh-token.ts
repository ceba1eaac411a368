import { createHash } from 'node:crypto';
import { seal, unseal } from '../../../crypto/seal.js';
import { BylineError } from '../../../http/errors.js';
import { requiredParam } from '../../../http/params.js';
import type { AuthenticatedClient } from '../../client-auth.js';
import type { EndedSiteSession, GatewayContext } from '../../gateway-context.js';
import { openSid, readRefreshToken } from '../../login/handles.js';
import { issueTokens, type TokenResponse } from '../../login/issue.js';
import { endedSiteSession, updateLogin, withoutSiteSession } from '../../login/sessions.js';

function invalidGrant(message = 'The refresh token is invalid, expired or revoked.'): BylineError {
  return new BylineError('invalid_grant', message);
}

// A graced reuse is answered with the successor pair the first use received. The store keeps it sealed
// under a key derived from the rotated token, which the store never holds (handles.ts), so a store dump
// alone yields nothing usable; only whoever presents the rotated token can open it.
function graceKey(token: string): Buffer {
  return createHash('sha256').update('byline refresh grace\0').update(token).digest();
}

interface SealedPair {
  access_token: string;
  refresh_token: string;
  id_token?: string;
}

/**
 * `grant_type=refresh_token` (RFC 6749 §6, with RFC 9700 §4.14 rotation): every use returns a new
 * refresh token and a new access token. Two store round trips: one read of the login, then one
 * compare-and-swap that moves the family to the next token only if nobody changed the login in between
 * (of any number of concurrent uses, on any number of instances, exactly one rotates; the others decide
 * again and find a rotated token). A rotated token is reuse and ends the site session, except within
 * `tokens.refreshReuseGrace`, where it gets the very pair the first use got.
 */
export async function refreshGrant(
  ctx: GatewayContext,
  body: Record<string, unknown>,
  client: AuthenticatedClient,
): Promise<TokenResponse> {
  const token = requiredParam(body, 'refresh_token', { max: 256 });
  // A made-up token is refused here, without touching any family.
  const presented = readRefreshToken(ctx.keys.rootSecret, token);
  const where = presented ? openSid(ctx.keys.rootSecret, presented.sid) : undefined;
  if (!presented || !where) throw invalidGrant();
  const { sid, number } = presented;
  let reused: EndedSiteSession | undefined;
  const outcome = await updateLogin<TokenResponse | BylineError>(ctx, where.loginId, async (record) => {
    reused = undefined;
    const session = record?.sites[where.number];
    const family = session?.refresh;
    const now = ctx.clock.now();
    // Another site's token is refused and left alone: a site can neither use nor end another site's
    // login (the same rule as /revoke), and the owner's next refresh still works.
    if (!record || !session || !family || family.expires <= now || session.site !== client.site.id)
      return { result: invalidGrant() };
    if (number > family.n) return { result: invalidGrant() };
    if (!family.publicClient && !client.confidential)
      return {
        result: new BylineError(
          'invalid_client',
          'This refresh token can only be used with the site secret.',
        ),
      };
    if (number < family.n) {
      const grace = ctx.config.tokens.refreshReuseGrace;
      // Within the grace, the token rotated last (whose successor is still current) gets that same pair.
      const pair =
        grace > 0 && family.grace && number === family.n - 1 && now - family.grace.at <= grace
          ? unseal<SealedPair>(graceKey(token), family.grace.sealed)
          : undefined;
      if (pair && family.grace)
        return {
          result: {
            access_token: pair.access_token,
            token_type: 'Bearer',
            expires_in: Math.max(0, Math.floor((family.grace.accessExpires - now) / 1000)),
            refresh_token: pair.refresh_token,
            ...(pair.id_token ? { id_token: pair.id_token } : {}),
            ...(session.scope ? { scope: session.scope.join(' ') } : {}),
          },
        };
      reused = endedSiteSession(ctx, sid, record, session);
      return {
        result: invalidGrant('The refresh token was already used; the login has been ended.'),
        next: withoutSiteSession(record, where.number),
      };
    }
    const response = await issueTokens(ctx, sid, record, session, number + 1);
    const grace = ctx.config.tokens.refreshReuseGrace;
    const { grace: _, ...rest } = family;
    session.refresh = {
      ...rest,
      n: number + 1,
      issued: now,
      ...(grace > 0
        ? {
            grace: {
              at: now,
              sealed: seal(graceKey(token), {
                access_token: response.access_token,
                refresh_token: response.refresh_token,
                ...(response.id_token ? { id_token: response.id_token } : {}),
              } satisfies SealedPair),
              // The JWT's exp, as mintAccessToken computes it.
              accessExpires: (Math.floor(now / 1000) + response.expires_in) * 1000,
            },
          }
        : {}),
    };
    return { result: response, next: record };
  });
  if (reused) {
    ctx.log.warn(
      { site: client.site.id },
      'a rotated refresh token was used again; its family and site session were ended',
    );
    ctx.logoutNotifier.sessionsEnded([reused]);
  }
  if (outcome instanceof BylineError) throw outcome;
  return outcome;
}
