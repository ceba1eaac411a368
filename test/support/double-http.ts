/**
 * The plumbing the provider doubles share: a loopback server that records every request and routes it
 * by method and path, bodies and client credentials read as RFC 6749 sends them, PKCE checked, JSON and
 * HTML answers. oauth2-server-double.ts builds an authorization server's bookkeeping on it.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { listenOnFreePort } from './gateway.js';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** The query (GET) or the decoded form body (POST). */
  params: URLSearchParams;
  /** The raw query, also for POST. */
  query: URLSearchParams;
}

export type Route = (req: IncomingMessage, recorded: RecordedRequest, res: ServerResponse) => void;

export interface DoubleServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** A request's whole body, as UTF-8 text. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Listens on 127.0.0.1:0 and hands every request, recorded first, to `route`. */
export async function startDoubleServer(route: Route): Promise<DoubleServer> {
  const { server, url } = await listenOnFreePort();
  const requests: RecordedRequest[] = [];
  server.on('request', async (req: IncomingMessage, res: ServerResponse) => {
    const target = new URL(req.url ?? '/', url);
    const params = req.method === 'POST' ? new URLSearchParams(await readBody(req)) : target.searchParams;
    const recorded = {
      method: req.method ?? 'GET',
      path: target.pathname,
      headers: req.headers,
      params,
      query: target.searchParams,
    };
    requests.push(recorded);
    route(req, recorded, res);
  });
  return {
    url,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A Route that hands `METHOD /path` to its handler in `table`, and anything else to `notFound`. */
export function routeTable(table: Record<string, Route>, notFound: (res: ServerResponse) => void): Route {
  return (req, recorded, res) => {
    const handler = table[`${recorded.method} ${recorded.path}`];
    if (handler) handler(req, recorded, res);
    else notFound(res);
  };
}

/** A JSON answer: `type` as the provider labels it, and any `headers` it sends along (`cache-control`). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  type = 'application/json; charset=utf-8',
  headers: OutgoingHttpHeaders = {},
): void {
  res.writeHead(status, { ...headers, 'content-type': type }).end(JSON.stringify(body));
}

/** An HTML page of the provider's own (the error page it shows where it does not redirect). */
export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(html);
}

/** Text safe in HTML content and quoted attributes: `& < > " '` as numeric character references. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** RFC 6749 §2.3.1: Basic credentials are form-urlencoded before base64. */
export function basicCredentials(header: string | undefined): [string, string] | undefined {
  const encoded = /^Basic (\S+)$/i.exec(header ?? '')?.[1];
  if (!encoded) return undefined;
  const [id = '', secret = ''] = Buffer.from(encoded, 'base64').toString('utf8').split(':');
  return [decodeURIComponent(id), decodeURIComponent(secret)];
}

/** The client's id and secret: Basic credentials if sent, else `client_id` and `client_secret` in the form. */
export function clientCredentials(recorded: RecordedRequest): [string, string] {
  return (
    basicCredentials(recorded.headers.authorization) ?? [
      recorded.params.get('client_id') ?? '',
      recorded.params.get('client_secret') ?? '',
    ]
  );
}

/** The access token of `Authorization: Bearer …`. */
export function bearerToken(req: IncomingMessage): string | undefined {
  return /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
}

/** RFC 7636 §4.6: the S256 challenge is the verifier's SHA-256, base64url. */
export function pkceMatches(challenge: string, verifier: string | null): boolean {
  return verifier !== null && createHash('sha256').update(verifier).digest('base64url') === challenge;
}

/** Where the authorization endpoint sends the browser back: `redirectUri` with `answer` in its query. */
export function redirectBack(res: ServerResponse, redirectUri: string, answer: Record<string, string>): void {
  const back = new URL(redirectUri);
  for (const [name, value] of Object.entries(answer)) back.searchParams.set(name, value);
  res.writeHead(302, { location: back.href }).end();
}
