import { request } from 'undici';
import type { TestAccount } from './atproto-pds.js';

/**
 * The reader at their PDS's authorization page, as its single-page app talks to the PDS: open the page
 * (the browser's navigation headers), sign in and consent through the page's API (CSRF header from its
 * cookie, same-origin headers, the page as referrer), then follow the PDS's redirect back. Sent with
 * undici's request: fetch would replace the Sec-Fetch-* headers the PDS checks.
 */
class PdsPage {
  readonly #cookies = new Map<string, string>();
  constructor(readonly page: URL) {}

  #keep(headers: Record<string, string | string[] | undefined>) {
    const lines = headers['set-cookie'];
    for (const line of Array.isArray(lines) ? lines : lines ? [lines] : []) {
      const pair = line.split(';')[0] ?? '';
      const eq = pair.indexOf('=');
      this.#cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  }

  get #cookie() {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** A top-level navigation; answers the redirect's Location, if any. */
  async navigate(
    url: URL,
    site: 'cross-site' | 'same-origin',
  ): Promise<{ status: number; location?: string; body: string }> {
    const answer = await request(url, {
      headers: {
        cookie: this.#cookie,
        'sec-fetch-mode': 'navigate',
        'sec-fetch-dest': 'document',
        'sec-fetch-site': site,
        ...(site === 'same-origin' ? { referer: this.page.href } : {}),
      },
    });
    this.#keep(answer.headers);
    const location = answer.headers.location;
    return {
      status: answer.statusCode,
      body: await answer.body.text(),
      ...(typeof location === 'string' ? { location } : {}),
    };
  }

  /** A call of the page's API (`/@atproto/oauth-provider/~api/<endpoint>`). */
  async api(
    endpoint: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<Record<string, unknown>> {
    const answer = await request(new URL(`/@atproto/oauth-provider/~api${endpoint}`, this.page), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        cookie: this.#cookie,
        origin: this.page.origin,
        referer: this.page.href,
        'sec-fetch-mode': 'same-origin',
        'sec-fetch-site': 'same-origin',
        'x-csrf-token': this.#cookies.get('csrf-token') ?? '',
        ...headers,
      },
      body: JSON.stringify(body),
    });
    this.#keep(answer.headers);
    const json = (await answer.body.json()) as Record<string, unknown>;
    if (answer.statusCode !== 200)
      throw new Error(`PDS ${endpoint}: ${answer.statusCode} ${JSON.stringify(json)}`);
    return json;
  }
}

/**
 * Signs `account` in at the authorization page Byline sent the reader to and accepts (or, with
 * `refuse`, rejects) the request: answers where the PDS then sends the reader (Byline's callback).
 */
export async function answerAtPds(
  authorizationUrl: string,
  account: TestAccount,
  options: { refuse?: boolean } = {},
): Promise<string> {
  const page = new PdsPage(new URL(authorizationUrl));
  const opened = await page.navigate(page.page, 'cross-site');
  if (opened.status !== 200)
    throw new Error(`PDS authorization page: ${opened.status} ${opened.body.slice(0, 300)}`);
  let answer: Record<string, unknown>;
  if (options.refuse) answer = await page.api('/reject', {});
  else {
    const signedIn = await page.api('/sign-in', {
      locale: 'en',
      username: account.handle,
      password: account.password,
    });
    const { sub } = signedIn.account as { sub: string };
    const token = signedIn.ephemeralToken as string | undefined;
    answer = await page.api('/consent', { sub }, token ? { authorization: `Bearer ${token}` } : {});
  }
  const back = await page.navigate(new URL(String(answer.url)), 'same-origin');
  if (!back.location) throw new Error(`PDS did not redirect back: ${back.status} ${back.body.slice(0, 300)}`);
  return back.location;
}
