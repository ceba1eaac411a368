import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RequestHandler } from 'express';
import { packageRoot } from '../../config/load.js';
import type { SiteConfig } from '../../config/schema.js';
import { BylineError } from '../../http/errors.js';
import { requiredParam } from '../../http/params.js';
import { type PreparedBody, prepareBody, sendPrepared } from '../../http/send.js';
import { type GatewayContext, siteProviders } from '../gateway-context.js';

/** What `GET /widget/config` answers: the site's offer, everything the widget needs to render. */
interface WidgetConfig {
  /** Byline's issuer (`publicUrl`): where the widget sends readers and what `iss` must say. */
  issuer: string;
  /** `redirectUris`: the site's registered redirect URIs, for the widget's redirect fallback. */
  site: { id: string; name: string; redirectUris: string[] };
  providers: { id: string; name: string; icon: string }[];
  /** The guest form's rules; `verifyEmail` says whether the form asks for a mailed code. */
  guests: Pick<SiteConfig['guests'], 'enabled' | 'requireEmail' | 'requireName' | 'verifyEmail'>;
}

function widgetConfig(ctx: GatewayContext, siteId: string): WidgetConfig | undefined {
  const site = ctx.sites.get(siteId);
  if (!site) return undefined;
  return {
    issuer: ctx.issuer,
    site: { id: site.id, name: site.name, redirectUris: [...site.redirectUris] },
    providers: siteProviders(ctx, site).map(({ id, name, icon }) => ({ id, name, icon })),
    guests: {
      enabled: site.guests.enabled,
      requireEmail: site.guests.requireEmail,
      requireName: site.guests.requireName,
      verifyEmail: site.guests.verifyEmail,
    },
  };
}

/** `GET /widget/config?client_id=SITE`: public and readable from any origin (it holds nothing secret). */
export function widgetConfigHandler(ctx: GatewayContext): RequestHandler {
  const headers = { 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'public, max-age=300' };
  // Each site's answer is fixed for the life of the app (a reload builds a new one): serialised once.
  const prepared = new Map<string, PreparedBody>();
  return (req, res) => {
    // Errors too are readable from any origin, so a misconfigured widget can say what is wrong.
    res.set(headers);
    const siteId = requiredParam(req.query, 'client_id', { max: 64 });
    let answer = prepared.get(siteId);
    if (!answer) {
      const config = widgetConfig(ctx, siteId);
      if (!config) throw new BylineError('not_found', 'There is no site with this client_id.');
      answer = prepareBody(JSON.stringify(config), 'application/json; charset=utf-8');
      prepared.set(siteId, answer);
    }
    sendPrepared(res, answer);
  };
}

/** The built widget. */
export const widgetFile = join(packageRoot, 'dist', 'widget.js');

let script: Promise<PreparedBody> | undefined;

function loadWidget(): Promise<PreparedBody> {
  // Built by `npm run build` (which `npm start`, `npm test` and installs from git run first): the
  // server never bundles at request time, so esbuild is a build tool, not a dependency.
  script ??= readFile(widgetFile, 'utf8').then(
    (text) => prepareBody(text, 'application/javascript; charset=utf-8'),

    (cause: unknown) => {
      script = undefined;
      throw new BylineError('not_found', 'widget.js has not been built (npm run build).', { cause });
    },
  );
  return script;
}

/**
 * `GET /widget.js`: cacheable for an hour (revalidated by ETag), readable from any origin. Blogs embed it
 * with a plain `<script src>`; it needs no cookie of ours.
 */
export function widgetScriptHandler(): RequestHandler {
  const headers = {
    'Access-Control-Allow-Origin': '*',
    'Cross-Origin-Resource-Policy': 'cross-origin',
    'Cache-Control': 'public, max-age=3600',
  };
  return async (_req, res) => sendPrepared(res, await loadWidget(), headers);
}
