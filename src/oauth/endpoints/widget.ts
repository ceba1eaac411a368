import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RequestHandler } from 'express';
import { packageRoot } from '../../config/load.js';
import type { SiteConfig } from '../../config/schema.js';
import { BylineError } from '../../http/errors.js';
import { param, requiredParam } from '../../http/params.js';
import { jsonType, type PreparedBody, prepareBody, sendPrepared } from '../../http/send.js';
import type { Entry } from '../../i18n/catalog.js';
import { catalogs } from '../../i18n/catalogs/index.js';
import { direction, type Locale } from '../../i18n/locales.js';
import { negotiateLocale } from '../../i18n/negotiate.js';
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
  /** The reader's locale, its direction, and the widget's messages in it (the widget holds no words). */
  locale: Locale;
  dir: 'ltr' | 'rtl';
  messages: Record<string, Entry>;
}

/** The messages the widget shows: its own and the guest form's. */
const widgetKeys = Object.keys(catalogs.en).filter((key) => /^(widget|guest)\./.test(key));

function widgetConfig(ctx: GatewayContext, siteId: string, locale: Locale): WidgetConfig | undefined {
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
    locale,
    dir: direction(locale),
    messages: Object.fromEntries(
      widgetKeys.map((key) => [key, (catalogs[locale] as Record<string, Entry>)[key] as Entry]),
    ),
  };
}

/**
 * `GET /widget/config?client_id=SITE[&lang=…][&page_lang=…]`: public and readable from any origin (it
 * holds nothing secret). The reader's locale comes from the form's `data-byline-lang` (`lang`), the
 * blog page's `<html lang>` (`page_lang`), else Accept-Language.
 */
export function widgetConfigHandler(ctx: GatewayContext): RequestHandler {
  const headers = {
    'Access-Control-Allow-Origin': '*',
    'Cache-Control': 'public, max-age=300',
    Vary: 'Accept-Language',
  };
  // Each site's answer in each locale is fixed for the life of the app (a reload builds a new one):
  // serialised once.
  const prepared = new Map<string, PreparedBody>();
  return (req, res) => {
    // Errors too are readable from any origin, so a misconfigured widget can say what is wrong.
    res.set(headers);
    const siteId = requiredParam(req.query, 'client_id', { max: 64 });
    const locale = negotiateLocale({
      attribute: param(req.query, 'lang', { max: 128 }),
      page: param(req.query, 'page_lang', { max: 128 }),
      acceptLanguage: req.headers['accept-language'],
    });
    const key = `${locale} ${siteId}`;
    let answer = prepared.get(key);
    if (!answer) {
      const config = widgetConfig(ctx, siteId, locale);
      if (!config) throw new BylineError('not_found', 'There is no site with this client_id.');
      answer = prepareBody(JSON.stringify(config), jsonType);
      prepared.set(key, answer);
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
