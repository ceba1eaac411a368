/**
 * Doubles of a reader's website and of an IndieAuth server (https://indieauth.spec.indieweb.org/), each
 * on its own loopback port (so a site is its own host): pages that declare a server by a `Link` header or
 * an HTML `<link>`, and a server with metadata, an authorization endpoint that sends the browser back with
 * a code (after reading Byline's client metadata document, as §4.2 says servers should) and redeems it
 * for the profile URL with PKCE (§5.3.2).
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import {
  type DoubleServer,
  pkceMatches,
  type RecordedRequest,
  redirectBack,
  sendJson,
  startDoubleServer,
} from './double-http.js';

/** What a site's page answers. */
export interface Page {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Answer this late (ms), or never (`Infinity`). */
  delay?: number;
}

export interface SiteDouble extends DoubleServer {
  /** The page at each path ("/" is the home page). */
  pages: Map<string, Page>;
  /** GETs of `path`. */
  to(path: string): RecordedRequest[];
}

/** An HTML page whose head holds `links` (rel, href pairs). */
export function htmlPage(links: [string, string][], extra = ''): Page {
  const head = links.map(([rel, href]) => `<link rel="${rel}" href="${href}">`).join('\n');
  return {
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: `<!doctype html><html><head><title>A home page</title>\n${head}\n</head><body>${extra}</body></html>`,
  };
}

/** A page that declares its server only in the `Link` header. */
export function linkHeaderPage(links: [string, string][]): Page {
  return {
    headers: {
      'content-type': 'text/html; charset=utf-8',
      link: links.map(([rel, href]) => `<${href}>; rel="${rel}"`).join(', '),
    },
    body: '<!doctype html><html><head><title>A home page</title></head><body>Hello</body></html>',
  };
}

/** A redirect to `location`. */
export function redirectPage(location: string, status = 301): Page {
  return { status, headers: { location } };
}

/** A website on 127.0.0.1:<port>, each path answering its Page (404 for the others). */
export async function startSite(): Promise<SiteDouble> {
  const pages = new Map<string, Page>();
  const waiting = new Set<ServerResponse>();
  const double = await startDoubleServer((_req, recorded, res) => {
    const page = pages.get(recorded.path);
    if (!page) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    const send = () => {
      waiting.delete(res);
      res.writeHead(page.status ?? 200, page.headers ?? {}).end(page.body ?? '');
    };
    if (page.delay === undefined) send();
    else {
      waiting.add(res);
      if (Number.isFinite(page.delay)) setTimeout(send, page.delay);
    }
  });
  return {
    ...double,
    pages,
    to: (path) => double.requests.filter((r) => r.path === path),
    async close() {
      for (const res of waiting) res.destroy();
      await double.close();
    },
  };
}

/** What the server answers when the code is redeemed, and how it answers the authorization request. */
interface ServerAnswer {
  /** The profile URL the code is for. */
  me: string;
  /** The profile object (§5.3.4), sent when `profile` was among the scopes. */
  profile?: Record<string, unknown>;
  /** The callback's `iss`: the issuer by default, another value, or none (`null`). */
  iss?: string | null;
  /** The reader refuses: the browser goes back with this error instead of a code. */
  error?: string;
}

export interface IndieAuthServerDouble extends DoubleServer {
  issuer: string;
  metadataUrl: string;
  authorizationEndpoint: string;
  /** What the next login answers. */
  answer: ServerAnswer;
  /** Metadata fields over the defaults (`undefined` removes one). */
  metadata: Record<string, unknown>;
  /** The client metadata documents the authorization endpoint read. */
  clients: Record<string, unknown>[];
  /** Requests to `path`. */
  to(path: string): RecordedRequest[];
}

interface Grant {
  clientId: string;
  redirectUri: string;
  challenge: string;
  scope: string;
  answer: ServerAnswer;
}

/**
 * An IndieAuth server: `/.well-known/oauth-authorization-server` (metadata, issuer `<url>/`), `GET /auth`
 * (reads the client_id document, checks a redirect_uri off the client_id's origin against it, sends the
 * browser back with code, state and iss), `POST /auth` (redeems the code once: client_id, redirect_uri and the PKCE verifier must match).
 */
export async function startIndieAuthServer(): Promise<IndieAuthServerDouble> {
  const grants = new Map<string, Grant>();
  let self: IndieAuthServerDouble;
  const double = await startDoubleServer((_req, recorded, res) => {
    void route(recorded, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: 'server_error', detail: String(error) });
    });
  });
  async function route(recorded: RecordedRequest, res: ServerResponse): Promise<void> {
    const { params } = recorded;
    if (recorded.path === '/.well-known/oauth-authorization-server') {
      const metadata: Record<string, unknown> = {
        issuer: self.issuer,
        authorization_endpoint: self.authorizationEndpoint,
        token_endpoint: `${double.url}/token`,
        code_challenge_methods_supported: ['S256'],
        scopes_supported: ['profile', 'email'],
        authorization_response_iss_parameter_supported: true,
        ...self.metadata,
      };
      sendJson(res, 200, metadata);
      return;
    }
    if (recorded.path !== '/auth') {
      sendJson(res, 404, { error: 'not_found' });
      return;
    }
    if (recorded.method === 'GET') {
      const clientId = params.get('client_id') ?? '';
      const redirectUri = params.get('redirect_uri') ?? '';
      const client = (await (await fetch(clientId)).json()) as Record<string, unknown>;
      self.clients.push(client);
      // §4.2.2: a redirect URI on the client_id's scheme, host and port is allowed; another must be listed.
      const listed = Array.isArray(client.redirect_uris) && client.redirect_uris.includes(redirectUri);
      const sameOrigin = URL.parse(redirectUri)?.origin === new URL(clientId).origin;
      if (
        client.client_id !== clientId ||
        !(listed || sameOrigin) ||
        params.get('response_type') !== 'code'
      ) {
        sendJson(res, 400, { error: 'invalid_request' });
        return;
      }
      if (params.get('code_challenge_method') !== 'S256' || !params.get('code_challenge')) {
        sendJson(res, 400, { error: 'invalid_request', error_description: 'PKCE is required' });
        return;
      }
      const answer = { ...self.answer };
      const iss: Record<string, string> =
        answer.iss === undefined ? { iss: self.issuer } : answer.iss === null ? {} : { iss: answer.iss };
      const state = params.get('state') ?? '';
      if (answer.error) {
        redirectBack(res, redirectUri, { error: answer.error, state, ...iss });
        return;
      }
      const code = randomBytes(16).toString('base64url');
      grants.set(code, {
        clientId,
        redirectUri,
        challenge: params.get('code_challenge') ?? '',
        scope: params.get('scope') ?? '',
        answer,
      });
      redirectBack(res, redirectUri, { code, state, ...iss });
      return;
    }
    const grant = grants.get(params.get('code') ?? '');
    grants.delete(params.get('code') ?? '');
    if (
      !grant ||
      params.get('grant_type') !== 'authorization_code' ||
      params.get('client_id') !== grant.clientId ||
      params.get('redirect_uri') !== grant.redirectUri ||
      !pkceMatches(grant.challenge, params.get('code_verifier'))
    ) {
      sendJson(res, 400, { error: 'invalid_grant' });
      return;
    }
    const scopes = grant.scope.split(' ');
    const profile =
      grant.answer.profile && scopes.includes('profile')
        ? Object.fromEntries(
            Object.entries(grant.answer.profile).filter(
              ([name]) => name !== 'email' || scopes.includes('email'),
            ),
          )
        : undefined;
    sendJson(res, 200, { me: grant.answer.me, ...(profile ? { profile } : {}) });
  }
  self = {
    ...double,
    issuer: `${double.url}/`,
    metadataUrl: `${double.url}/.well-known/oauth-authorization-server`,
    authorizationEndpoint: `${double.url}/auth`,
    answer: { me: '' },
    metadata: {},
    clients: [],
    to: (path) => double.requests.filter((r) => r.path === path),
  };
  return self;
}
