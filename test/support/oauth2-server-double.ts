/**
 * The authorization-server bookkeeping the provider doubles share, whatever their provider's wire format:
 * the loopback server recording every request (double-http.ts), the client's registered redirect URIs,
 * the authorization request's client and redirect URI check and the redirect back with its `state`,
 * codes that redeem once, and access tokens found again from `Authorization: Bearer`. What a provider
 * answers — its pages, error bodies, code and token shapes — stays in its own double.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  bearerToken,
  type DoubleServer,
  type RecordedRequest,
  type Route,
  redirectBack,
  sendHtml,
  sendJson,
  startDoubleServer,
} from './double-http.js';
import { formPostPage } from './form-post.js';

/** What every OAuth 2.0 provider double shows the tests; `E` is its `endpoints` block. */
export interface ProviderDouble<E> {
  url: string;
  clientId: string;
  clientSecret: string;
  /** What the provider's config block overrides to reach the double. */
  endpoints: E;
  /** The reader clicks "Cancel" on the authorization page. */
  deny: boolean;
  requests: RecordedRequest[];
  /** Every request to `path`. */
  to(path: string): RecordedRequest[];
  /** Byline's callback URLs, known once it listens: the app's registered redirect URIs. */
  register(...redirectUris: string[]): void;
  reset(): void;
  close(): Promise<void>;
}

/** An authorization request from the registered client to one of its registered redirect URIs. */
interface AuthorizationRequest {
  redirectUri: string;
  /** The request's `state`, if it had one. */
  state: string | null;
  /** Sends the browser back to the redirect URI with `answer`, and `state` when the request had one. */
  sendBack(res: ServerResponse, answer: Record<string, string>): void;
  /** The same as a page that posts itself there (`response_mode=form_post`), titled `title`. */
  postBack(res: ServerResponse, answer: Record<string, string>, title?: string): void;
}

export interface OAuth2Server<G, T> {
  /** The double's plumbing members, as they are: spread them into the double. */
  plumbing: Pick<ProviderDouble<unknown>, 'url' | 'requests' | 'to' | 'register' | 'close'>;
  /** The registered redirect URIs (`plumbing.register` replaces them). */
  redirectUris: string[];
  /** `paths` as URLs on the double: its `endpoints` block. */
  endpoints<P extends Record<string, string>>(paths: P): P;
  /** The request, when it names `clientId` and a registered `redirect_uri`; else the provider refuses it. */
  authorization(params: URLSearchParams, clientId: string): AuthorizationRequest | undefined;
  /** Keeps what `code` (shaped as the provider's are) stands for, until it is redeemed. */
  issueCode(code: string, grant: G): string;
  /** What `code` stood for, once: a code is single use. */
  redeem(code: string | null): G | undefined;
  /** Keeps what the access token `token` stands for. */
  issueToken(token: string, value: T): string;
  /** What the request's `Authorization: Bearer` token stands for, if it is one the double issued. */
  bearer(req: IncomingMessage): T | undefined;
}

/** An authorization server on 127.0.0.1:0 whose requests, recorded first, go to `route`. */
export async function startOAuth2Server<G, T = never>(route: Route): Promise<OAuth2Server<G, T>> {
  const server: DoubleServer = await startDoubleServer(route);
  const codes = new Map<string, G>();
  const tokens = new Map<string, T>();
  const redirectUris: string[] = [];
  return {
    plumbing: {
      url: server.url,
      requests: server.requests,
      to: (path) => server.requests.filter((r) => r.path === path),
      register(...uris) {
        redirectUris.splice(0, redirectUris.length, ...uris);
      },
      close: server.close,
    },
    redirectUris,
    endpoints(paths) {
      const urls: Record<string, string> = {};
      for (const [name, path] of Object.entries(paths)) urls[name] = server.url + path;
      return urls as typeof paths;
    },
    authorization(params, clientId) {
      const redirectUri = params.get('redirect_uri') ?? '';
      if (params.get('client_id') !== clientId || !redirectUris.includes(redirectUri)) return undefined;
      const state = params.get('state');
      const withState = (answer: Record<string, string>) => ({ ...answer, ...(state ? { state } : {}) });
      return {
        redirectUri,
        state,
        sendBack: (res, answer) => redirectBack(res, redirectUri, withState(answer)),
        postBack: (res, answer, title) =>
          sendHtml(res, 200, formPostPage(redirectUri, withState(answer), title)),
      };
    },
    issueCode(code, grant) {
      codes.set(code, grant);
      return code;
    },
    redeem(code) {
      const grant = codes.get(code ?? '');
      codes.delete(code ?? '');
      return grant;
    },
    issueToken(token, value) {
      tokens.set(token, value);
      return token;
    },
    bearer: (req) => tokens.get(bearerToken(req) ?? ''),
  };
}

/**
 * A token answer as GitHub gives it, and the classic servers shaped like it: JSON or XML when `Accept`
 * asks for it, else form-encoded.
 */
export function negotiatedTokenAnswer(
  req: IncomingMessage,
  res: ServerResponse,
  answer: Record<string, string>,
): void {
  const accept = req.headers.accept ?? '';
  if (accept.includes('application/json')) sendJson(res, 200, answer);
  else if (accept.includes('application/xml'))
    res.writeHead(200, { 'content-type': 'application/xml; charset=utf-8' }).end(
      `<OAuth>${Object.entries(answer)
        .map(([k, v]) => `<${k}>${v}</${k}>`)
        .join('')}</OAuth>`,
    );
  else
    res
      .writeHead(200, { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' })
      .end(new URLSearchParams(answer).toString());
}
