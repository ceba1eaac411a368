/**
 * The reader's user agent in a relying party's login: whatever the RP's authorization request was, the
 * browser walks Byline's pages (the chooser, `/auth/dev`, the dev IdP's form) until Byline redirects to
 * the RP's callback. Nothing here speaks OAuth for the RP: the RP libraries do that on their own side.
 */
import { Browser, findLink, formAction, type Hop } from '../support/browser.js';

export interface Reader {
  name: string;
  email: string;
}

export const ada: Reader = { name: 'Ada Lovelace', email: 'ada@example.com' };

/**
 * Continues a login from `page` (a Byline page the browser reached: the chooser, or a redirect to the
 * callback already) to the redirect to the RP's callback; returns that callback URL.
 */
export async function continueDevLogin(
  browser: Browser,
  page: Hop & { location?: string },
  toCallback: (location: string) => boolean,
  reader: Reader = ada,
): Promise<string> {
  if (page.location) return page.location;
  const link = findLink(page.body, '/auth/dev');
  if (!link)
    throw new Error(
      `Byline's chooser offered no dev login: ${page.response.status} ${page.url} ${page.body.slice(0, 300)}`,
    );
  const form = await browser.follow(new URL(link, page.url), {}, toCallback);
  if (form.location) return form.location;
  const action = formAction(form.body);
  if (!action) throw new Error(`no dev login form: ${form.response.status} ${form.body.slice(0, 300)}`);
  const done = await browser.submit(new URL(action, form.url), { ...reader }, toCallback);
  if (!done.location)
    throw new Error(
      `the login did not come back to the relying party: ${done.response.status} ${done.url} ${done.body.slice(0, 300)}`,
    );
  return done.location;
}

/** A whole login in a new browser: opens the RP's authorization URL and returns the callback URL Byline sent the reader to. */
export async function devLoginAt(
  authorizationUrl: URL | string,
  callback: string,
  reader: Reader = ada,
  browser = new Browser(),
): Promise<string> {
  const toCallback = (location: string) => location.startsWith(callback);
  const page = await browser.follow(authorizationUrl, {}, toCallback);
  return continueDevLogin(browser, page, toCallback, reader);
}
