import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { ProviderConfigOf } from '../../config/schema.js';
import { BylineError, htmlErrors } from '../../http/errors.js';
import { formBody } from '../../http/form-body.js';
import { param, requiredParam } from '../../http/params.js';
import { failureGuard } from '../../http/rate-limit.js';
import { sendJson } from '../../http/send.js';
import { html, renderPage, translator } from '../../http/views.js';
import { msg } from '../../i18n/message.js';
import { deletionCode, maxSignedRequestLength, parseSignedRequest } from '../../providers/signed-request.js';
import type { GatewayContext } from '../gateway-context.js';
import { forgetConsents } from '../login/consent.js';
import { endSubjectSessions } from '../login/end-sessions.js';
import { storeKeys } from '../login/store-keys.js';

/** How long the status page of a deletion request answers: Facebook shows its link to the user. */
const deletionRecordTtlMs = 30 * 24 * 60 * 60_000;

const codePattern = /^[A-Za-z0-9_-]{16,64}$/;

/** What a deletion request leaves behind: enough for its status page, nothing about the person. */
interface DeletionRecord {
  provider: string;
  requested: number;
}

/** The Facebook app a callback is addressed to; other provider types have no such callbacks. */
function facebookApp(ctx: GatewayContext, req: Request): ProviderConfigOf<'facebook'> {
  const config = ctx.config.providers[String(req.params.id)];
  if (config?.type !== 'facebook') throw new BylineError('not_found', msg('deletion.unknownApp'));
  return config;
}

/**
 * Verifies the `signed_request` Facebook posts and ends every session of the user it names, so their
 * refresh tokens and access tokens stop working at once.
 */
async function endSignedUserSessions(ctx: GatewayContext, req: Request, app: ProviderConfigOf<'facebook'>) {
  const signedRequest = requiredParam(req.body, 'signed_request', { max: maxSignedRequestLength });
  const time = { now: ctx.clock.now(), clockSkew: ctx.config.tokens.clockSkew };
  const { user_id: userId } = parseSignedRequest(signedRequest, app.clientSecret, time);
  const publicSub = `${app.id}:${userId}`;
  await forgetConsents(ctx, publicSub);
  return endSubjectSessions(ctx, publicSub);
}

/**
 * The callbacks Facebook requires before an app goes live, for every facebook-type provider:
 * `POST /providers/:id/data-deletion`, `POST /providers/:id/deauthorize` and the status page that the
 * data-deletion answer links to, `GET /providers/:id/deletion?code=`. The app mounts the router at
 * `/providers`, so no other request enters it.
 */
export function providerCallbacksRouter(ctx: GatewayContext): Router {
  const router = express.Router();
  const form = formBody({ limit: 16 * 1024, parameterLimit: 20 });
  const noStore: RequestHandler = (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  };
  // Forged or malformed signed_requests count as failed client authentications, per address.
  const guard = failureGuard(
    ctx.rateLimits.clientAuthFailures,
    'Too many refused callbacks from this address. Try again later.',
  );

  /**
   * Facebook's signed POSTs: never cached, refused signatures counted against the address, and the
   * signed user's sessions ended before `answer` says so.
   */
  const signedCallback = (
    path: string,
    answer: (res: Response, app: ProviderConfigOf<'facebook'>, sessionsEnded: number) => Promise<void> | void,
  ) =>
    router.post(
      path,
      noStore,
      guard.check,
      form,
      async (req: Request, res: Response) => {
        const app = facebookApp(ctx, req);
        await answer(res, app, await endSignedUserSessions(ctx, req, app));
      },
      guard.count,
    );

  signedCallback('/:id/data-deletion', async (res, app, sessionsEnded) => {
    // The code is derived from the request: a replay (or Facebook's retry) keeps the record it made.
    const code = deletionCode(String(res.req.body.signed_request), app.clientSecret);
    const record: DeletionRecord = { provider: app.id, requested: ctx.clock.now() };
    await ctx.store.swap(storeKeys.deletion(code), undefined, { value: record, ttlMs: deletionRecordTtlMs });
    ctx.log.info({ provider: app.id, sessionsEnded }, 'data deletion request: sessions ended');
    const url = new URL(`${ctx.issuer}/providers/${encodeURIComponent(app.id)}/deletion`);
    url.searchParams.set('code', code);
    sendJson(res, { url: url.href, confirmation_code: code });
  });

  signedCallback('/:id/deauthorize', (res, app, sessionsEnded) => {
    ctx.log.info({ provider: app.id, sessionsEnded }, 'app removed by a user: sessions ended');
    sendJson(res, {});
  });

  router.get('/:id/deletion', htmlErrors, noStore, async (req, res) => {
    const app = facebookApp(ctx, req);
    const code = param(req.query, 'code', { max: 64 });
    const record =
      code && codePattern.test(code)
        ? await ctx.store.get<DeletionRecord>(storeKeys.deletion(code))
        : undefined;
    if (!code || !record || record.provider !== app.id)
      throw new BylineError('not_found', msg('deletion.unknownCode'));
    res.type('html').send(
      renderPage(
        'deletion-status',
        {
          title: msg('deletion.title'),
          status: html`<strong>${translator(res)(msg('deletion.completed'))}</strong>`,
          provider: app.name,
          date: new Date(record.requested),
          code: html`<code>${code}</code>`,
        },
        res,
      ),
    );
  });

  return router;
}
