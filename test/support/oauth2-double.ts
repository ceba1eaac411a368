import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basicCredentials, readBody, sendJson } from './double-http.js';
import { formPostPage } from './form-post.js';
import { listenOnFreePort } from './gateway.js';

interface OAuth2Request {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** The decoded form body (POST) or query (GET). */
  params: URLSearchParams;
}

type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

export interface OAuth2Double {
  url: string;
  clientId: string;
  clientSecret: string;
  endpoints: { authorization: string; token: string; userinfo: string };
  /** How the token endpoint wants the client to authenticate (as registered there). */
  clientAuth: ClientAuthMethod;
  /** The JSON `/user` answers for the next login's token. */
  profile: Record<string, unknown>;
  /** The JSON array `/user/emails` answers (GitHub's shape). */
  emails: Record<string, unknown>[];
  /** Answer `/user` with exactly this instead (a non-JSON page, say). */
  profileBody?: { type: string; body: string };
  /** The reader clicks "Cancel" on the authorization page. */
  deny: boolean;
  /** The token endpoint's answer instead of a token (`{ status: 400, body: { error: 'invalid_grant' } }`). */
  tokenError?: { status: number; body: Record<string, unknown> };
  /** An `iss` to add to the authorization response (RFC 9207). */
  iss?: string;
  requests: OAuth2Request[];
  /** Every request to `path`. */
  to(path: string): OAuth2Request[];
  /** Byline's redirect URIs, registered once it listens. */
  register(...redirectUris: string[]): void;
  reset(): void;
  close(): Promise<void>;
}

/** A GitHub-like `GET /user` answer (https://docs.github.com/rest/users/users#get-the-authenticated-user). */
export function githubLikeUser(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    login: 'octocat',
    id: 583231,
    node_id: 'MDQ6VXNlcjU4MzIzMQ==',
    avatar_url: 'https://avatars.githubusercontent.com/u/583231?v=4',
    html_url: 'https://github.com/octocat',
    type: 'User',
    site_admin: false,
    name: 'The Octocat',
    company: '@github',
    blog: 'https://github.blog',
    email: 'octocat@github.com',
    bio: null,
    public_repos: 8,
    created_at: '2011-01-25T18:44:36Z',
    ...overrides,
  };
}

/** A GitHub-like `GET /user/emails` answer: the primary address verified, another one not. */
function githubLikeEmails(): Record<string, unknown>[] {
  return [
    { email: 'octocat@github.com', primary: true, verified: true, visibility: 'public' },
    { email: 'octo@example.com', primary: false, verified: false, visibility: null },
  ];
}

/**
 * A plain OAuth 2.0 provider on 127.0.0.1:0 shaped like GitHub's (`/login/oauth/authorize`,
 * `/login/oauth/access_token`, `GET /user`, `GET /user/emails`), speaking RFC 6749: client authentication as registered
 * (`clientAuth`), PKCE S256 checked when a challenge was sent, error bodies as JSON, and — like GitHub —
 * a form-encoded token answer unless the client asks for JSON. With `response_mode=form_post` it answers
 * the authorization request with a self-posting form instead of a redirect.
 */
export async function startOAuth2Double(): Promise<OAuth2Double> {
  const { server, url } = await listenOnFreePort();
  const codes = new Map<
    string,
    { redirectUri: string; challenge?: string; profile: Record<string, unknown> }
  >();
  const tokens = new Map<string, Record<string, unknown>>();
  let redirectUris: string[] = [];

  const double: OAuth2Double = {
    url,
    clientId: 'Iv1.8a61f9b3a7aba766',
    clientSecret: 'oauth2-double-secret-0123456789abcdef',
    endpoints: {
      authorization: `${url}/login/oauth/authorize`,
      token: `${url}/login/oauth/access_token`,
      userinfo: `${url}/user`,
    },
    clientAuth: 'client_secret_basic',
    profile: githubLikeUser(),
    emails: githubLikeEmails(),
    deny: false,
    requests: [],
    to: (path) => double.requests.filter((r) => r.path === path),
    register(...uris) {
      redirectUris = uris;
    },
    reset() {
      double.clientAuth = 'client_secret_basic';
      double.profile = githubLikeUser();
      double.emails = githubLikeEmails();
      double.deny = false;
      double.requests.length = 0;
      delete double.profileBody;
      delete double.tokenError;
      delete double.iss;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };

  function authorize(params: URLSearchParams, res: ServerResponse): void {
    const redirectUri = params.get('redirect_uri') ?? '';
    if (params.get('client_id') !== double.clientId || !redirectUris.includes(redirectUri)) {
      res.writeHead(400, { 'content-type': 'text/html' }).end('<p>The redirect_uri is not registered.</p>');
      return;
    }
    const answer = new URLSearchParams();
    if (double.deny) {
      answer.set('error', 'access_denied');
      answer.set('error_description', 'The user has denied your application access.');
    } else {
      const code = randomBytes(10).toString('hex');
      const challenge = params.get('code_challenge') ?? undefined;
      codes.set(code, { redirectUri, profile: double.profile, ...(challenge ? { challenge } : {}) });
      answer.set('code', code);
    }
    const state = params.get('state');
    if (state) answer.set('state', state);
    if (double.iss) answer.set('iss', double.iss);
    if (params.get('response_mode') === 'form_post') {
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(formPostPage(redirectUri, Object.fromEntries(answer)));
      return;
    }
    const back = new URL(redirectUri);
    for (const [name, value] of answer) back.searchParams.set(name, value);
    res.writeHead(302, { location: back.href }).end();
  }

  function clientAuthenticated(req: IncomingMessage, params: URLSearchParams): boolean {
    const basic = basicCredentials(req.headers.authorization);
    if (double.clientAuth === 'client_secret_basic')
      return (
        basic?.[0] === double.clientId && basic[1] === double.clientSecret && !params.has('client_secret')
      );
    if (basic) return false;
    if (double.clientAuth === 'client_secret_post')
      return (
        params.get('client_id') === double.clientId && params.get('client_secret') === double.clientSecret
      );
    return params.get('client_id') === double.clientId && !params.has('client_secret');
  }

  function token(req: IncomingMessage, params: URLSearchParams, res: ServerResponse): void {
    if (double.tokenError) {
      sendJson(res, double.tokenError.status, double.tokenError.body);
      return;
    }
    if (!clientAuthenticated(req, params)) {
      sendJson(res, 401, { error: 'invalid_client' });
      return;
    }
    const grant = codes.get(params.get('code') ?? '');
    codes.delete(params.get('code') ?? '');
    const verifier = params.get('code_verifier');
    const pkceFails = grant?.challenge
      ? createHash('sha256')
          .update(verifier ?? '')
          .digest('base64url') !== grant.challenge
      : verifier !== null;
    if (!grant || grant.redirectUri !== params.get('redirect_uri') || pkceFails) {
      sendJson(res, 400, { error: 'invalid_grant', error_description: 'The code is incorrect or expired.' });
      return;
    }
    const accessToken = `gho_${randomBytes(18).toString('base64url')}`;
    tokens.set(accessToken, grant.profile);
    const answer = { access_token: accessToken, token_type: 'bearer', scope: params.get('scope') ?? '' };
    if (/json/.test(req.headers.accept ?? '')) {
      sendJson(res, 200, answer);
      return;
    }
    res
      .writeHead(200, { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' })
      .end(new URLSearchParams(answer).toString());
  }

  function user(req: IncomingMessage, res: ServerResponse, emails = false): void {
    const accessToken = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const profile = accessToken ? tokens.get(accessToken) : undefined;
    if (!profile) {
      sendJson(res, 401, { message: 'Requires authentication' });
      return;
    }
    if (emails) {
      sendJson(res, 200, double.emails);
      return;
    }
    if (double.profileBody) {
      res.writeHead(200, { 'content-type': double.profileBody.type }).end(double.profileBody.body);
      return;
    }
    sendJson(res, 200, profile);
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
    const route = `${req.method} ${target.pathname}`;
    if (route === 'GET /login/oauth/authorize') authorize(params, res);
    else if (route === 'POST /login/oauth/access_token') token(req, params, res);
    else if (route === 'GET /user') user(req, res);
    else if (route === 'GET /user/emails') user(req, res, true);
    else sendJson(res, 404, { message: 'Not Found' });
  });

  return double;
}
