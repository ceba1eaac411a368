import type { Request, Response } from 'express';
import type { Locale } from './locales.js';
import { negotiateLocale } from './negotiate.js';

const tags = (value: unknown) => (typeof value === 'string' && value.length <= 128 ? value : undefined);

/**
 * The locale of the reader behind `req`: the `ui_locales` of their authorization request (set on
 * `res.locals.uiLocales` by the handler that holds it), or sent with this request (the widget sends
 * its locale so), else Accept-Language, else English.
 */
export function requestLocale(req: Request): Locale {
  const body = req.body as Record<string, unknown> | undefined;
  return negotiateLocale({
    uiLocales: tags(req.res?.locals.uiLocales) ?? tags(req.query?.ui_locales) ?? tags(body?.ui_locales),
    acceptLanguage: req.headers['accept-language'],
  });
}

/** The locale a response speaks (see requestLocale). */
export const localeOf = (res: Response): Locale => requestLocale(res.req);

/** Pages for an authorization request speak the `ui_locales` it carried. */
export function speakFor(res: Response, request: { uiLocales?: string | undefined }): void {
  if (request.uiLocales !== undefined) res.locals.uiLocales = request.uiLocales;
}
