import type { LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import type { Dispatcher } from 'undici';
import { isPublicAddress } from './public-address.js';
import { hostResolver, type Resolve } from './resolve-host.js';

export type { Resolve };

/** Answers from a host a reader named (metadata, a profile, a token) are small; anything bigger is refused. */
const defaultMaxBytes = 256 * 1024;
const defaultMaxRedirects = 5;
const redirectStatuses = new Set([301, 302, 303, 307, 308]);
// Statuses whose Response must have a null body (Fetch standard, "null body status").
const nullBodyStatuses = new Set([101, 103, 204, 205, 304]);

export interface GuardedFetchOptions {
  /** ms for the whole call, redirects and body included (`http.upstreamTimeout`). */
  timeoutMs: number;
  /**
   * `http.allowPrivateUpstreams`: addresses off the public Internet (loopback, private, link-local, …)
   * may be reached, over https or plain http. Public addresses are reached over https only, always.
   */
  allowPrivate: boolean;
  /** Bytes an answer may have (default 256 KiB). */
  maxBytes?: number;
  /** Redirects followed (default 5), each one checked as the first request was. */
  maxRedirects?: number;
  /** DNS (default: c-ares, see resolve-host.ts); tests name their own hosts. */
  resolve?: Resolve;
  /**
   * Which non-public addresses may be reached (default: all of them with `allowPrivate`, else none):
   * a test lets one loopback double pass while everything else private stays refused.
   */
  reachable?: (address: string) => boolean;
  /** Sent unless the request has its own. */
  userAgent?: string;
}

type RefusalReason = 'private-address' | 'plain-http' | 'scheme' | 'redirects';

/** Byline refused to fetch from a host a reader named: this is the reader's input, not an outage. */
export class RefusedUpstreamError extends Error {
  override name = 'RefusedUpstreamError';
  constructor(
    readonly host: string,
    readonly reason: RefusalReason,
  ) {
    super(
      {
        'private-address': `${host} is not on the public Internet`,
        'plain-http': `${host} must be reached over https`,
        scheme: `${host}: only https URLs are fetched`,
        redirects: `${host} redirected too many times`,
      }[reason],
    );
  }
}

/** An answer bigger than the cap (its Content-Length, or the bytes that came). */
export class OversizedAnswerError extends Error {
  override name = 'OversizedAnswerError';
  constructor(
    readonly host: string,
    readonly limit: number,
  ) {
    super(`${host} answered more than ${Math.round(limit / 1024)} KiB`);
  }
}

type Init = NonNullable<Parameters<typeof fetch>[1]>;

interface Outgoing {
  url: URL;
  method: string;
  headers: Headers;
  body: Buffer | undefined;
  redirect: RequestRedirect;
  signal: AbortSignal | undefined;
}

async function bodyBytes(body: Init['body'], headers: Headers): Promise<Buffer | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') {
    if (!headers.has('content-type')) headers.set('content-type', 'text/plain;charset=UTF-8');
    return Buffer.from(body);
  }
  if (body instanceof URLSearchParams) {
    if (!headers.has('content-type'))
      headers.set('content-type', 'application/x-www-form-urlencoded;charset=UTF-8');
    return Buffer.from(body.toString());
  }
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof Blob) return Buffer.from(await body.arrayBuffer());
  throw new TypeError('guarded fetch: unsupported body type');
}

/** A fetch call's arguments as one request (a Request object's own fields, then init's over them). */
async function outgoing(input: Parameters<typeof fetch>[0], init: Init | undefined): Promise<Outgoing> {
  const request = input instanceof Request ? input : undefined;
  const headers = new Headers(init?.headers ?? request?.headers);
  const body =
    init?.body !== undefined
      ? await bodyBytes(init.body, headers)
      : request?.body
        ? Buffer.from(await request.arrayBuffer())
        : undefined;
  return {
    url: new URL(request?.url ?? String(input)),
    method: (init?.method ?? request?.method ?? 'GET').toUpperCase(),
    headers,
    body,
    redirect: init?.redirect ?? request?.redirect ?? 'follow',
    signal: init?.signal ?? request?.signal ?? undefined,
  };
}

/** `promise`, or the signal's reason as soon as it aborts: a resolver that ignores the signal cannot hold a request. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

/**
 * `fetch` for hosts that readers name (a fediverse instance, a handle's server, a home page): a server-side
 * request forgery is the risk, so every request, and every redirect (followed here, a bounded number of
 * times), is checked after DNS: the host is resolved here, each address must be public (https only) or
 * allowed by `allowPrivate`, and the connection goes to an address that was checked (a lookup pinned to
 * them), so a DNS answer that changes between the check and the connection cannot move it elsewhere.
 * Bounded by `timeoutMs` as a whole, answers capped at `maxBytes`; no proxy, no compression asked for.
 */
export function createGuardedFetch(options: GuardedFetchOptions): typeof fetch {
  const maxBytes = options.maxBytes ?? defaultMaxBytes;
  const maxRedirects = options.maxRedirects ?? defaultMaxRedirects;
  const resolve: Resolve =
    options.resolve ?? hostResolver({ timeoutMs: options.timeoutMs, localhost: options.allowPrivate });
  const reachable = options.reachable ?? (() => options.allowPrivate);
  // undici is loaded on the first call: it is a tenth of a second of start-up otherwise.
  let undici: Promise<typeof import('undici')> | undefined;

  /** The addresses `url` may be fetched from, or the refusal; DNS is bounded by `signal` like the rest. */
  async function checkedAddresses(url: URL, signal: AbortSignal): Promise<LookupAddress[]> {
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new RefusedUpstreamError(url.host, 'scheme');
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    const family = isIP(host);
    const all = family
      ? [{ address: host, family }]
      : await untilAborted(resolve(host, signal), signal).catch((error: unknown) => {
          // As fetch fails: a TypeError whose cause says why (ENOTFOUND for a name nobody has).
          throw new TypeError('fetch failed', { cause: error });
        });
    const allowed = all.filter(({ address }) =>
      isPublicAddress(address) ? url.protocol === 'https:' : reachable(address),
    );
    if (allowed.length > 0) return allowed;
    const publicOnes = all.some(({ address }) => isPublicAddress(address));
    throw new RefusedUpstreamError(url.host, publicOnes ? 'plain-http' : 'private-address');
  }

  /** One request to checked addresses; the body read in full, up to the cap. */
  async function send(request: Outgoing, signal: AbortSignal): Promise<Response> {
    const addresses = await checkedAddresses(request.url, signal);
    undici ??= import('undici');
    const { Agent, request: undiciRequest } = await undici;
    // A dispatcher of its own, so no pooled connection made for another address is reused.
    const dispatcher = new Agent({
      connect: {
        lookup: (_hostname, lookupOptions, callback) => {
          const first = addresses[0] as LookupAddress;
          if ((lookupOptions as { all?: boolean }).all) callback(null, addresses);
          else callback(null, first.address, first.family);
        },
      },
      maxResponseSize: maxBytes,
    });
    const host = request.url.host;
    try {
      const headers: Record<string, string> = {};
      request.headers.forEach((value, name) => {
        headers[name] = value;
      });
      if (options.userAgent) headers['user-agent'] ??= options.userAgent;
      headers.accept ??= '*/*';
      const answer = await undiciRequest(request.url, {
        method: request.method as Dispatcher.HttpMethod,
        headers,
        ...(request.body === undefined ? {} : { body: request.body }),
        signal,
        dispatcher,
      });
      const list = new Headers();
      for (const [name, value] of Object.entries(answer.headers)) {
        if (Array.isArray(value)) for (const item of value) list.append(name, item);
        else if (value !== undefined) list.append(name, value);
      }
      let data: Buffer | null = null;
      if (redirectStatuses.has(answer.statusCode) || nullBodyStatuses.has(answer.statusCode)) {
        await answer.body.dump();
      } else {
        if (Number(list.get('content-length') ?? 0) > maxBytes) {
          answer.body.destroy();
          throw new OversizedAnswerError(host, maxBytes);
        }
        const encoding = list.get('content-encoding');
        if (encoding && encoding.toLowerCase() !== 'identity') {
          answer.body.destroy();
          throw new Error(`${host} sent a ${encoding}-encoded answer, which was not asked for`);
        }
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of answer.body) {
          size += (chunk as Buffer).length;
          if (size > maxBytes) {
            answer.body.destroy();
            throw new OversizedAnswerError(host, maxBytes);
          }
          chunks.push(chunk as Buffer);
        }
        data = Buffer.concat(chunks);
      }
      const response = new Response(data as Uint8Array<ArrayBuffer> | null, {
        status: answer.statusCode,
        headers: list,
      });
      Object.defineProperty(response, 'url', { value: request.url.href });
      return response;
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (error instanceof OversizedAnswerError) throw error;
      // undici's own cap (maxResponseSize) says so in its error code.
      if ((error as { code?: string }).code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE')
        throw new OversizedAnswerError(host, maxBytes);
      throw new TypeError('fetch failed', { cause: error });
    } finally {
      dispatcher.destroy().catch(() => {});
    }
  }

  return async (input, init) => {
    const request = await outgoing(input, init);
    const signals = [AbortSignal.timeout(options.timeoutMs), ...(request.signal ? [request.signal] : [])];
    const signal = AbortSignal.any(signals);
    for (let redirects = 0; ; redirects++) {
      const response = await send(request, signal).catch((error: unknown) => {
        throw signal.aborted ? signal.reason : error;
      });
      const location = response.headers.get('location');
      if (!redirectStatuses.has(response.status) || location === null || request.redirect === 'manual')
        return response;
      if (request.redirect === 'error') throw new TypeError(`fetch failed: ${request.url.host} redirected`);
      if (redirects >= maxRedirects) throw new RefusedUpstreamError(request.url.host, 'redirects');
      const next = new URL(location, request.url);
      // Credentials are for the origin they were given to (Fetch: Authorization is dropped cross-origin).
      if (next.origin !== request.url.origin) {
        request.headers.delete('authorization');
        request.headers.delete('cookie');
      }
      if (
        response.status === 303 ||
        ((response.status === 301 || response.status === 302) && request.method === 'POST')
      ) {
        if (request.method !== 'HEAD') request.method = 'GET';
        request.body = undefined;
        request.headers.delete('content-type');
        request.headers.delete('content-length');
      }
      request.url = next;
    }
  };
}
