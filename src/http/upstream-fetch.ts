import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { Dispatcher } from 'undici';

/** Provider answers (tokens, profiles, JWKS, discovery) are a few KiB; anything past this is refused. */
export const maxUpstreamResponseBytes = 1024 * 1024;

// Statuses whose Response must have a null body (Fetch standard, "null body status").
const nullBodyStatuses = new Set([101, 103, 204, 205, 304]);

type Init = NonNullable<Parameters<typeof fetch>[1]>;

function headerRecord(headers: Init['headers']): Record<string, string> {
  const record: Record<string, string> = {};
  if (!headers) return record;
  const entries =
    headers instanceof Headers || Array.isArray(headers)
      ? (headers as Iterable<[string, string]>)
      : Object.entries(headers);
  for (const [name, value] of entries) record[name.toLowerCase()] = String(value);
  return record;
}

/** The request body as bytes or text, with the Content-Type fetch would have given it. */
function requestBody(body: Init['body'], headers: Record<string, string>): string | Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') {
    headers['content-type'] ??= 'text/plain;charset=UTF-8';
    return body;
  }
  if (body instanceof URLSearchParams) {
    headers['content-type'] ??= 'application/x-www-form-urlencoded;charset=UTF-8';
    return body.toString();
  }
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new TypeError('upstream fetch: unsupported body type');
}

/** Undoes a Content-Encoding (none is asked for, but a server may send one anyway), capped in size. */
function decoded(data: Buffer, encoding: string | undefined): Buffer {
  const options = { maxOutputLength: maxUpstreamResponseBytes };
  switch (encoding?.trim().toLowerCase()) {
    case undefined:
    case '':
    case 'identity':
      return data;
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(data, options);
    case 'deflate':
      return inflateSync(data, options);
    case 'br':
      return brotliDecompressSync(data, options);
    default:
      throw new TypeError(`unsupported Content-Encoding "${encoding}"`);
  }
}

/**
 * The `fetch` Byline calls providers with. openid-client (through `customFetch`) asks for
 * `redirect: 'manual'` with a string URL and a small body; those requests go through `undici.request`
 * and come back as a standard `Response`. The full fetch machinery costs two to three times the CPU of
 * a plain request on a loopback call (see docs/performance.md), and a login makes two. Everything else (redirects to follow, `Request` objects, streamed bodies) goes to
 * undici's fetch on the same connection pool. Both refuse answers over `maxUpstreamResponseBytes`.
 *
 * Failures look as they do with fetch: an abort rejects with the signal's reason, anything else with
 * `TypeError('fetch failed')` whose `cause` is undici's error.
 */
export function createUpstreamFetch(options: { dispatcher?: Dispatcher } = {}): typeof fetch {
  // undici is loaded on the first provider call: it is a tenth of a second of start-up otherwise.
  let loaded: Promise<{ undici: typeof import('undici'); dispatcher: Dispatcher }> | undefined;
  const load = () => {
    loaded ??= import('undici').then((undici) => ({
      undici,
      dispatcher: options.dispatcher ?? new undici.Agent({ maxResponseSize: maxUpstreamResponseBytes }),
    }));
    return loaded;
  };
  const slow = async (input: Parameters<typeof fetch>[0], init: Init | undefined) => {
    const { undici, dispatcher } = await load();
    return undici.fetch(input as Parameters<typeof undici.fetch>[0], {
      ...(init as Parameters<typeof undici.fetch>[1]),
      dispatcher,
    }) as unknown as Promise<Response>;
  };

  return async (input, init) => {
    // undici's fetch knows its own Request class only, not Node's global one.
    if (input instanceof Request)
      return slow(input.url, {
        method: input.method,
        headers: input.headers,
        body: input.body,
        redirect: input.redirect,
        signal: input.signal,
        ...(input.body ? { duplex: 'half' } : {}),
        ...init,
      } as Init);
    if (init?.redirect !== 'manual') return slow(input, init);
    const { body, signal } = init;
    if (body instanceof ReadableStream || body instanceof Blob || body instanceof FormData)
      return slow(input, init);
    const url = String(input);
    const headers = headerRecord(init.headers);
    headers.accept ??= '*/*';
    const payload = requestBody(body, headers);
    let status: number;
    let responseHeaders: Record<string, string | string[] | undefined>;
    let data: Buffer | null;
    const { undici, dispatcher } = await load();
    try {
      const answer = await undici.request(url, {
        method: (init.method ?? 'GET').toUpperCase() as Dispatcher.HttpMethod,
        headers,
        ...(payload === undefined ? {} : { body: payload }),
        ...(signal ? { signal } : {}),
        dispatcher,
      });
      status = answer.statusCode;
      responseHeaders = answer.headers;
      if (nullBodyStatuses.has(status)) {
        await answer.body.dump();
        data = null;
      } else {
        const raw = Buffer.from(await answer.body.arrayBuffer());
        data = decoded(raw, answer.headers['content-encoding'] as string | undefined);
      }
      if (status < 200 || status > 599) throw new Error(`unexpected status ${status}`);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw new TypeError('fetch failed', { cause: error });
    }
    const list = new Headers();
    for (const [name, value] of Object.entries(responseHeaders)) {
      if (Array.isArray(value)) for (const item of value) list.append(name, item);
      else if (value !== undefined) list.append(name, value);
    }
    // A Buffer is a Uint8Array; the DOM typings only doubt its ArrayBufferLike.
    const response = new Response(data as Uint8Array<ArrayBuffer> | null, { status, headers: list });
    Object.defineProperty(response, 'url', { value: url });
    return response;
  };
}
