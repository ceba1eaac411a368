import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  basicCredentials,
  bearerToken,
  pkceMatches,
  type RecordedRequest,
  redirectBack,
  sendJson,
  startDoubleServer,
} from './double-http.js';

export interface DiscordDouble {
  url: string;
  clientId: string;
  clientSecret: string;
  /** What a `discord` provider block overrides to reach the double. */
  endpoints: { authorization: string; token: string; userinfo: string };
  /** The reader's user object (`email` and `verified` are sent only with scope `email`). */
  user: Record<string, unknown>;
  /** The reader clicks "Cancel" on the authorization page. */
  deny: boolean;
  requests: RecordedRequest[];
  to(path: string): RecordedRequest[];
  /** Byline's callback URLs, known once it listens: the application's OAuth2 redirects. */
  register(...redirectUris: string[]): void;
  reset(): void;
  close(): Promise<void>;
}

/** A user object as `GET /users/@me` answers it (Discord's User Resource, on the new username system). */
export function discordUser(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: '80351110224678912',
    username: 'nelly',
    discriminator: '0',
    global_name: 'Nelly',
    avatar: '8342729096ea3675442027381ff50dfe',
    verified: true,
    email: 'nelly@discord.com',
    flags: 64,
    banner: '06c16474723fe537c283b8efa61a30c8',
    accent_color: 16711680,
    premium_type: 0,
    public_flags: 64,
    mfa_enabled: true,
    locale: 'en-US',
    ...overrides,
  };
}

/** What a code stands for. */
interface Grant {
  redirectUri: string;
  challenge?: string;
  scopes: string[];
  user: Record<string, unknown>;
}

/**
 * Discord's OAuth2 (discord.com/oauth2/authorize, /api/oauth2/token) and API v10's `GET /users/@me` on
 * 127.0.0.1:0, as documented: the token endpoint takes only form bodies and the client's credentials
 * by Basic or in the body (401 `invalid_client` otherwise), answers a bad code with 400 `invalid_grant`
 * and a good one with a Bearer token, a refresh token and the scopes; PKCE is checked when a challenge
 * was sent. `/users/@me` needs `identify`, sends `email` and `verified` only with `email`, and answers
 * 401 `{"message": "401: Unauthorized", "code": 0}` without a valid token.
 */
export async function startDiscordDouble(): Promise<DiscordDouble> {
  const codes = new Map<string, Grant>();
  const tokens = new Map<string, { scopes: string[]; user: Record<string, unknown> }>();
  let redirectUris: string[] = [];

  function authorize(params: URLSearchParams, res: ServerResponse): void {
    const redirectUri = params.get('redirect_uri') ?? '';
    if (params.get('client_id') !== double.clientId || !redirectUris.includes(redirectUri)) {
      res
        .writeHead(400, { 'content-type': 'text/html; charset=utf-8' })
        .end('<p>Invalid OAuth2 redirect_uri</p>');
      return;
    }
    const state = params.get('state');
    if (double.deny) {
      redirectBack(res, redirectUri, {
        error: 'access_denied',
        error_description: 'The resource owner or authorization server denied the request',
        ...(state ? { state } : {}),
      });
      return;
    }
    const code = randomBytes(15).toString('base64url');
    const challenge = params.get('code_challenge') ?? undefined;
    codes.set(code, {
      redirectUri,
      scopes: (params.get('scope') ?? '').split(' ').filter(Boolean),
      user: double.user,
      ...(challenge ? { challenge } : {}),
    });
    redirectBack(res, redirectUri, { code, ...(state ? { state } : {}) });
  }

  function clientAuthenticated(req: IncomingMessage, params: URLSearchParams): boolean {
    const [id, secret] = basicCredentials(req.headers.authorization) ?? [
      params.get('client_id'),
      params.get('client_secret'),
    ];
    return id === double.clientId && secret === double.clientSecret;
  }

  function token(req: IncomingMessage, params: URLSearchParams, res: ServerResponse): void {
    if (!String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
      sendJson(res, 400, { error: 'unsupported_grant_type' });
      return;
    }
    if (!clientAuthenticated(req, params)) {
      sendJson(res, 401, { error: 'invalid_client' });
      return;
    }
    const code = params.get('code') ?? '';
    const grant = codes.get(code);
    codes.delete(code);
    if (
      !grant ||
      params.get('redirect_uri') !== grant.redirectUri ||
      (grant.challenge && !pkceMatches(grant.challenge, params.get('code_verifier')))
    ) {
      sendJson(res, 400, { error: 'invalid_grant', error_description: 'Invalid "code" in request.' });
      return;
    }
    const accessToken = randomBytes(23).toString('base64url');
    tokens.set(accessToken, { scopes: grant.scopes, user: grant.user });
    sendJson(res, 200, {
      token_type: 'Bearer',
      access_token: accessToken,
      expires_in: 604800,
      refresh_token: randomBytes(23).toString('base64url'),
      scope: grant.scopes.join(' '),
    });
  }

  function me(req: IncomingMessage, res: ServerResponse): void {
    const grant = tokens.get(bearerToken(req) ?? '');
    if (!grant?.scopes.includes('identify')) {
      sendJson(res, 401, { message: '401: Unauthorized', code: 0 });
      return;
    }
    const { email, verified, ...user } = grant.user;
    sendJson(res, 200, grant.scopes.includes('email') ? { ...user, email, verified } : user);
  }

  const server = await startDoubleServer((req, recorded, res) => {
    const route = `${recorded.method} ${recorded.path}`;
    if (route === 'GET /oauth2/authorize') authorize(recorded.params, res);
    else if (route === 'POST /api/oauth2/token') token(req, recorded.params, res);
    else if (route === 'GET /api/v10/users/@me') me(req, res);
    else sendJson(res, 404, { message: '404: Not Found', code: 0 });
  });
  const { url } = server;

  const double: DiscordDouble = {
    url,
    clientId: '157730590492196864',
    clientSecret: 'discord-double-secret-0123456789ab',
    endpoints: {
      authorization: `${url}/oauth2/authorize`,
      token: `${url}/api/oauth2/token`,
      userinfo: `${url}/api/v10/users/@me`,
    },
    user: discordUser(),
    deny: false,
    requests: server.requests,
    to: (path) => double.requests.filter((r) => r.path === path),
    register(...uris) {
      redirectUris = uris;
    },
    reset() {
      double.user = discordUser();
      double.deny = false;
      double.requests.length = 0;
    },
    close: server.close,
  };
  return double;
}
