import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { BylineError } from '../http/errors.js';
import { param, requiredParam } from '../http/params.js';
import { sendJson } from '../http/send.js';
import { authenticateClient } from './client-auth.js';
import type { GatewayContext } from './context.js';
import { issueTokens, usedCodeTtlMs } from './issue.js';
import { type AuthorizationCode, keys, secretHash } from './records.js';
import { refreshGrant } from './refresh.js';

const verifierPattern = /^[A-Za-z0-9._~-]{43,128}$/;

function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/** `grant_type=authorization_code`: the code is taken once, then every binding is checked. */
async function redeemCode(
  ctx: GatewayContext,
  body: Record<string, unknown>,
  site: string,
  confidential: boolean,
) {
  const code = requiredParam(body, 'code', { max: 256 });
  const redirectUri = requiredParam(body, 'redirect_uri');
  const verifier = param(body, 'code_verifier', { max: 256 });
  const hash = secretHash(code);
  const record = await ctx.store.take<AuthorizationCode>(keys.code(hash));
  if (!record) {
    const replayed = await ctx.store.take<{ sid: string }>(keys.usedCode(hash));
    if (replayed) {
      await ctx.store.delete(keys.siteSession(replayed.sid));
      ctx.log.warn({ site }, 'authorization code replayed; its login session was ended');
    }
    throw new BylineError('invalid_grant', 'The code is invalid, expired or already used.');
  }
  const problem =
    record.expires <= ctx.clock.now()
      ? 'The code has expired.'
      : record.site !== site
        ? 'The code was issued to another site.'
        : record.redirectUri !== redirectUri
          ? 'redirect_uri does not match the authorization request.'
          : !verifier || !verifierPattern.test(verifier) || s256(verifier) !== record.codeChallenge
            ? 'The PKCE code_verifier does not match.'
            : undefined;
  if (problem) {
    // The code is burned; remembering it lets its owner's later attempt end the login it started.
    await ctx.store.set(keys.usedCode(hash), { sid: record.sid }, usedCodeTtlMs);
    throw new BylineError('invalid_grant', problem);
  }
  // One round trip: records the code as used and stores the refresh family, if the session still lives.
  return issueTokens(ctx, record.sid, record.session, {
    publicClient: !confidential,
    codeHash: hash,
    ...(record.nonce ? { nonce: record.nonce } : {}),
  });
}

export function tokenHandler(ctx: GatewayContext): RequestHandler {
  return async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const { site, confidential } = authenticateClient(ctx, req);
    const grantType = requiredParam(body, 'grant_type', { max: 64 });
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    if (grantType === 'authorization_code') {
      sendJson(res, await redeemCode(ctx, body, site.id, confidential));
      ctx.metrics.tokensIssued.inc({ grant: grantType, site: site.id });
      return;
    }
    if (grantType === 'refresh_token') {
      sendJson(res, await refreshGrant(ctx, body, { site, confidential }));
      ctx.metrics.tokensIssued.inc({ grant: grantType, site: site.id });
      return;
    }
    throw new BylineError(
      'unsupported_grant_type',
      'grant_type must be authorization_code or refresh_token.',
    );
  };
}
