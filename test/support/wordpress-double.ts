import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from './double-http.js';
import { listenOnFreePort } from './gateway.js';

/** How an endpoint misbehaves: a 500 with JSON, a 200 with an HTML page, or no answer at all. */
export type Failure = 'error' | 'html' | 'hang';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** The decoded form body (POST) or query (GET). */
  params: URLSearchParams;
}

export interface WordPressDouble {
  url: string;
  clientId: string;
  clientSecret: string;
  endpoints: { authorization: string; token: string; userinfo: string };
  /** The body `/rest/v1.1/me` answers for the next login's token. */
  me: Record<string, unknown>;
  /** The reader clicks "Deny" on the authorization page. */
  deny: boolean;
  fail: { token?: Failure; me?: Failure };
  requests: RecordedRequest[];
  /** Requests currently held open by a `hang` failure. */
  held: number;
  count(path: string): number;
  /** The redirect URIs registered for the app (Byline's callback, known once it listens). */
  register(...redirectUris: string[]): void;
  close(): Promise<void>;
}

/** A realistic `/me` body, as WordPress.com answers for a token with scope `auth`. */
export function wordpressMe(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ID: 81234567,
    display_name: 'Ada Lovelace',
    username: 'adalovelace',
    email: 'ada@example.com',
    email_verified: true,
    primary_blog: 123456789,
    primary_blog_url: 'https://adalovelace.wordpress.com',
    primary_blog_is_jetpack: false,
    language: 'en',
    locale_variant: '',
    token_site_id: false,
    token_scope: ['auth'],
    avatar_URL: 'https://0.gravatar.com/avatar/5f1c2b?s=96&d=identicon',
    profile_URL: 'https://gravatar.com/adalovelace',
    verified: true,
    site_count: 1,
    visible_site_count: 1,
    has_unseen_notes: false,
    newest_note_type: '',
    phone_account: false,
    meta: { links: { self: 'https://public-api.wordpress.com/rest/v1.1/me' } },
    is_valid_google_apps_country: true,
    logout_URL: 'https://wordpress.com/wp-login.php?action=logout',
    ...overrides,
  };
}

const htmlPage =
  '<!DOCTYPE html><html><head><title>WordPress.com</title></head><body><h1>Oops!</h1></body></html>';

/**
 * WordPress.com's OAuth 2.0 endpoints and `/rest/v1.1/me` on 127.0.0.1:0, speaking the documented wire
 * format: the token endpoint takes client credentials only as POST parameters (it answers Basic with
 * `invalid_client`, like the real one), and `/me` wants `Authorization: Bearer`.
 */
export async function startWordPressDouble(): Promise<WordPressDouble> {
  const { server, url } = await listenOnFreePort();
  const codes = new Map<string, { redirectUri: string; me: Record<string, unknown> }>();
  const tokens = new Map<string, Record<string, unknown>>();
  let redirectUris: string[] = [];

  const double: WordPressDouble = {
    url,
    clientId: '12345',
    clientSecret: 'wpcom-client-secret-0123456789abcdef',
    endpoints: {
      authorization: `${url}/oauth2/authorize`,
      token: `${url}/oauth2/token`,
      userinfo: `${url}/rest/v1.1/me`,
    },
    me: wordpressMe(),
    deny: false,
    fail: {},
    requests: [],
    held: 0,
    count: (path) => double.requests.filter((r) => r.path === path).length,
    register(...uris) {
      redirectUris = uris;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };

  /** Answers a failure switch; true when it did. */
  function failed(res: ServerResponse, failure: Failure | undefined): boolean {
    if (failure === 'hang') {
      double.held++;
      res.on('close', () => double.held--);
      return true;
    }
    if (failure === 'html') res.writeHead(200, { 'content-type': 'text/html; charset=UTF-8' }).end(htmlPage);
    if (failure === 'error')
      sendJson(res, 500, { error: 'server_error', error_description: 'Something went wrong.' });
    return failure !== undefined;
  }

  server.on('request', async (req: IncomingMessage, res: ServerResponse) => {
    const target = new URL(req.url ?? '/', url);
    const params = req.method === 'POST' ? new URLSearchParams(await readBody(req)) : target.searchParams;
    double.requests.push({
      method: req.method ?? 'GET',
      path: target.pathname,
      headers: req.headers,
      params,
    });

    if (req.method === 'GET' && target.pathname === '/oauth2/authorize') {
      const redirectUri = params.get('redirect_uri') ?? '';
      if (params.get('client_id') !== double.clientId || !redirectUris.includes(redirectUri)) {
        res.writeHead(400, { 'content-type': 'text/html' }).end('<p>Invalid redirect_uri.</p>');
        return;
      }
      const back = new URL(redirectUri);
      const state = params.get('state');
      if (double.deny) {
        back.searchParams.set('error', 'access_denied');
      } else {
        const code = randomBytes(8).toString('hex');
        codes.set(code, { redirectUri, me: double.me });
        back.searchParams.set('code', code);
      }
      if (state) back.searchParams.set('state', state);
      res.writeHead(302, { location: back.href }).end();
      return;
    }

    if (req.method === 'POST' && target.pathname === '/oauth2/token') {
      if (failed(res, double.fail.token)) return;
      if (/^basic /i.test(req.headers.authorization ?? '')) {
        sendJson(res, 400, { error: 'invalid_client', error_description: 'Unknown client_id.' });
        return;
      }
      if (
        params.get('client_id') !== double.clientId ||
        params.get('client_secret') !== double.clientSecret
      ) {
        sendJson(res, 400, { error: 'invalid_client', error_description: 'Unknown client_id.' });
        return;
      }
      if (params.get('grant_type') !== 'authorization_code') {
        sendJson(res, 400, { error: 'unsupported_grant_type', error_description: 'Unsupported grant type.' });
        return;
      }
      const grant = codes.get(params.get('code') ?? '');
      codes.delete(params.get('code') ?? '');
      if (!grant || grant.redirectUri !== params.get('redirect_uri')) {
        sendJson(res, 400, { error: 'invalid_grant', error_description: 'Invalid authorization code.' });
        return;
      }
      const accessToken = randomBytes(32).toString('base64');
      tokens.set(accessToken, grant.me);
      sendJson(res, 200, {
        access_token: accessToken,
        blog_id: '0',
        blog_url: '',
        token_type: 'bearer',
        scope: 'auth',
      });
      return;
    }

    if (req.method === 'GET' && target.pathname === '/rest/v1.1/me') {
      if (failed(res, double.fail.me)) return;
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const me = token ? tokens.get(token) : undefined;
      if (!me) {
        sendJson(res, 403, {
          error: 'authorization_required',
          message: 'An active access token must be used to query information about the current user.',
        });
        return;
      }
      sendJson(res, 200, me);
      return;
    }

    sendJson(res, 404, { error: 'unknown_endpoint', message: 'Unknown endpoint.' });
  });

  return double;
}
