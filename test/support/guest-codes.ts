/**
 * What the tests of guests' mailed codes share: a site that verifies addresses, form posts answered in
 * JSON (the widget's requests), and a reader at the chooser's guest form in a browser of their own.
 */
import { Browser } from './browser.js';
import { authorizeUrl } from './flow.js';
import type { TestGateway } from './gateway.js';
import { pkce } from './pkce.js';

export const from = 'Byline <byline@byline.example>';

/** A trusted site at https://<id>.example whose guests are as `guests` says (verifyEmail, …). */
export const verifyingSite = (id: string, guests: Record<string, unknown>) => ({
  name: `The ${id} blog`,
  origins: [`https://${id}.example`],
  redirectUris: [`https://${id}.example/callback`],
  trusted: true,
  claims: ['email'],
  guests,
});

export interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

/** A form POST to `path` with `headers` (the widget's: an Origin), its JSON answer read. */
export async function postForm(
  target: Pick<TestGateway, 'url'>,
  path: string,
  fields: Record<string, string>,
  headers: Record<string, string>,
): Promise<Answer> {
  const response = await fetch(`${target.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

/** A six-digit code other than `code` (`n` further on). */
export const otherCode = (code: string, n = 1) => String((Number(code) + n) % 1_000_000).padStart(6, '0');

/** The value of the hidden input `name` in a page. */
export const formField = (html: string, name: string) =>
  new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1] as string;

export const sameOrigin = { 'sec-fetch-site': 'same-origin' };

/** A reader at the chooser of `siteId`, in a browser of their own; `submit` posts its guest form. */
export async function atChooser(gateway: TestGateway, siteId: string, browser = new Browser()) {
  const { verifier, challenge } = pkce();
  const page = await browser.request(
    authorizeUrl(gateway, challenge, { site: siteId, redirectUri: `https://${siteId}.example/callback` }),
  );
  const form = { ar: formField(page.body, 'ar'), csrf: formField(page.body, 'csrf') };
  const submit = (fields: Record<string, string>) =>
    browser.request(`${gateway.url}/auth/guest`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...sameOrigin },
      body: new URLSearchParams({ ...form, ...fields }).toString(),
    });
  return { browser, verifier, page, submit };
}
