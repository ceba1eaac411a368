import { Agent, request } from 'undici';

/**
 * The load generator's HTTP client: undici's `request` (far cheaper per call than `fetch`) over
 * keep-alive connections, so the driver stays light next to the server it measures.
 */
const agent = new Agent({ connections: 64, keepAliveTimeout: 30_000, pipelining: 1 });

/**
 * One reader's cookies. Like a browser's, they are per host, not per port, so the provider double on
 * another port of 127.0.0.1 sees them too (as WordPress.com would not, which changes nothing here).
 */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  header(): string | undefined {
    if (this.#cookies.size === 0) return undefined;
    let header = '';
    for (const [name, value] of this.#cookies) header += `${header ? '; ' : ''}${name}=${value}`;
    return header;
  }

  get(name: string): string | undefined {
    return this.#cookies.get(name);
  }

  store(setCookie: string | string[] | undefined): void {
    if (setCookie === undefined) return;
    for (const line of Array.isArray(setCookie) ? setCookie : [setCookie]) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq < 1) continue;
      const name = pair.slice(0, eq).trim();
      let gone = false;
      for (const attribute of attributes) {
        const [key = '', value = ''] = attribute.trim().split('=');
        if (/^max-age$/i.test(key) && Number(value) <= 0) gone = true;
        if (/^expires$/i.test(key) && Date.parse(value) <= Date.now()) gone = true;
      }
      if (gone) this.#cookies.delete(name);
      else this.#cookies.set(name, pair.slice(eq + 1).trim());
    }
  }
}

export interface Answer {
  status: number;
  location: string | undefined;
  text: string;
}

/** One request without following redirects; cookies go from and to `jar`. */
export async function send(
  url: string,
  init: {
    method?: 'GET' | 'POST';
    form?: Record<string, string>;
    jar?: CookieJar;
    headers?: Record<string, string>;
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...init.headers };
  const cookie = init.jar?.header();
  if (cookie) headers.cookie = cookie;
  let body: string | undefined;
  if (init.form) {
    body = new URLSearchParams(init.form).toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  const response = await request(url, {
    method: init.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body,
    dispatcher: agent,
  });
  init.jar?.store(response.headers['set-cookie']);
  const location = response.headers.location;
  return {
    status: response.statusCode,
    location: typeof location === 'string' ? new URL(location, url).href : undefined,
    text: await response.body.text(),
  };
}

/** Throws unless the answer has the expected status: a benchmark of failing requests measures nothing. */
export function expectStatus(answer: Answer, status: number, what: string): Answer {
  if (answer.status !== status)
    throw new Error(`${what}: expected ${status}, got ${answer.status} ${answer.text.slice(0, 200)}`);
  return answer;
}
