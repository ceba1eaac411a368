/**
 * A small user agent for HTTP-level end-to-end tests: a cookie jar (host-wide as in browsers, so
 * cookies are shared across ports of one host; path-matched) and manual redirects.
 */
interface Cookie {
  name: string;
  value: string;
  host: string;
  path: string;
  expires?: number;
}

export interface Hop {
  url: string;
  response: Response;
  body: string;
}

export class Browser {
  readonly cookies = new Map<string, Cookie>();

  cookieHeader(url: URL): string | undefined {
    const now = Date.now();
    const pairs: string[] = [];
    for (const [key, cookie] of this.cookies) {
      if (cookie.expires !== undefined && cookie.expires <= now) {
        this.cookies.delete(key);
        continue;
      }
      if (cookie.host === url.hostname && url.pathname.startsWith(cookie.path))
        pairs.push(`${cookie.name}=${cookie.value}`);
    }
    return pairs.length ? pairs.join('; ') : undefined;
  }

  cookie(name: string): string | undefined {
    for (const cookie of this.cookies.values()) if (cookie.name === name) return cookie.value;
    return undefined;
  }

  #store(url: URL, response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const cookie: Cookie = {
        name: pair.slice(0, eq).trim(),
        value: pair.slice(eq + 1).trim(),
        host: url.hostname,
        path: '/',
      };
      for (const attribute of attributes) {
        const [key = '', value = ''] = attribute.trim().split('=');
        if (/^path$/i.test(key)) cookie.path = value || '/';
        if (/^max-age$/i.test(key)) cookie.expires = Date.now() + Number(value) * 1000;
        if (/^expires$/i.test(key) && cookie.expires === undefined) cookie.expires = Date.parse(value);
      }
      this.cookies.set(`${cookie.host}|${cookie.path}|${cookie.name}`, cookie);
    }
  }

  /** One request, no redirect following. */
  async request(
    url: string | URL,
    init: RequestInit & { headers?: Record<string, string> } = {},
  ): Promise<Hop> {
    const target = new URL(url);
    const cookie = this.cookieHeader(target);
    const response = await fetch(target, {
      ...init,
      redirect: 'manual',
      headers: { ...(cookie ? { cookie } : {}), ...init.headers },
    });
    this.#store(target, response);
    return { url: target.href, response, body: await response.text() };
  }

  /** Follows redirects until a response is not a redirect, or `stopAt` says the location is the destination. */
  async follow(
    url: string | URL,
    init: RequestInit & { headers?: Record<string, string> } = {},
    stopAt: (location: string) => boolean = () => false,
  ): Promise<Hop & { location?: string; hops: string[] }> {
    const hops: string[] = [];
    let hop = await this.request(url, init);
    for (let i = 0; i < 20; i++) {
      const location = hop.response.headers.get('location');
      if (hop.response.status < 300 || hop.response.status >= 400 || !location) return { ...hop, hops };
      const next = new URL(location, hop.url).href;
      hops.push(next);
      if (stopAt(next)) return { ...hop, location: next, hops };
      hop = await this.request(next);
    }
    throw new Error('too many redirects');
  }

  /** Submits a form (urlencoded POST) and follows redirects. */
  submit(url: string | URL, fields: Record<string, string>, stopAt?: (location: string) => boolean) {
    return this.follow(
      url,
      {
        method: 'POST',
        body: new URLSearchParams(fields).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
      stopAt,
    );
  }
}

/** The first `href` in the HTML that starts with `prefix`, entity-decoded. */
export function findLink(htmlText: string, prefix: string): string | undefined {
  for (const match of htmlText.matchAll(/href="([^"]+)"/g)) {
    const href = (match[1] as string).replace(/&amp;/g, '&');
    if (href.startsWith(prefix)) return href;
  }
  return undefined;
}

/** The `action` of the first form in the HTML. */
export function formAction(htmlText: string): string | undefined {
  return /<form[^>]*action="([^"]+)"/.exec(htmlText)?.[1]?.replace(/&amp;/g, '&');
}
