import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basicCredentials, pkceMatches, routeTable, sendHtml, sendJson } from './double-http.js';
import { type ProviderDouble, startOAuth2Server } from './oauth2-server-double.js';

export interface XDouble extends ProviderDouble<{ authorization: string; token: string; userinfo: string }> {
  /** The reader's account: every field `user.fields` can ask for (`id`, `name`, `username` always sent). */
  user: Record<string, unknown>;
  /** Answer `/2/users/me` with exactly this body (200) instead. */
  meBody?: Record<string, unknown>;
  /** The scopes the reader lets the app have (default: those asked). */
  grantedScopes?: string[];
}

/** A user as `GET /2/users/me` knows it (the X API v2 data dictionary's fields). */
export function xUser(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: '2244994945',
    name: 'X Dev',
    username: 'XDevelopers',
    profile_image_url: 'https://pbs.twimg.com/profile_images/1683325380441128960/yRsRRjGO_normal.jpg',
    url: 'https://t.co/3ZX3TNiZCY',
    entities: {
      url: {
        urls: [
          {
            start: 0,
            end: 23,
            url: 'https://t.co/3ZX3TNiZCY',
            expanded_url: 'https://developer.x.com',
            display_url: 'developer.x.com',
          },
        ],
      },
    },
    confirmed_email: 'xdev@example.com',
    created_at: '2013-12-14T04:35:55.000Z',
    protected: false,
    verified: false,
    ...overrides,
  };
}

/** What a code, and then the access token, stands for. */
interface Grant {
  redirectUri: string;
  challenge: string;
  method: string;
  scopes: string[];
  user: Record<string, unknown>;
}

/** RFC 7807 problem details, as the X API answers its errors. */
function problem(res: ServerResponse, status: number, title: string): void {
  sendJson(res, status, { title, type: 'about:blank', status, detail: title }, 'application/problem+json');
}

/**
 * X's OAuth 2.0 (x.com/i/oauth2/authorize, api.x.com/2/oauth2/token) and `GET /2/users/me` on
 * 127.0.0.1:0, as documented: PKCE required (S256 or plain), a confidential client authenticated with
 * Basic only (401 `unauthorized_client` "Missing valid authorization header" otherwise), codes single
 * use (400 `invalid_request` "Value passed for the authorization code was invalid."), a refresh token only
 * with `offline.access`. `/2/users/me` needs `tweet.read users.read`, answers `{ data }` with `id`,
 * `name`, `username` and the `user.fields` asked for, `confirmed_email` only with `users.email`, and
 * problem+json errors.
 */
export async function startXDouble(): Promise<XDouble> {
  function authorize(params: URLSearchParams, res: ServerResponse): void {
    const request = server.authorization(params, double.clientId);
    const challenge = params.get('code_challenge');
    const method = params.get('code_challenge_method') ?? '';
    const state = request?.state;
    if (
      !request ||
      params.get('response_type') !== 'code' ||
      !challenge ||
      !['S256', 'plain'].includes(method) ||
      !state ||
      state.length > 500
    ) {
      sendHtml(res, 400, '<p>Something went wrong. You weren’t able to give access to the App.</p>');
      return;
    }
    if (double.deny) {
      request.sendBack(res, { error: 'access_denied' });
      return;
    }
    const asked = (params.get('scope') ?? '').split(' ').filter(Boolean);
    const code = server.issueCode(randomBytes(24).toString('base64url'), {
      redirectUri: request.redirectUri,
      challenge,
      method,
      scopes: double.grantedScopes ?? asked,
      user: double.user,
    });
    request.sendBack(res, { code });
  }

  function token(req: IncomingMessage, params: URLSearchParams, res: ServerResponse): void {
    const basic = basicCredentials(req.headers.authorization);
    if (basic?.[0] !== double.clientId || basic[1] !== double.clientSecret) {
      sendJson(res, 401, {
        error: 'unauthorized_client',
        error_description: 'Missing valid authorization header',
      });
      return;
    }
    const grant = server.redeem(params.get('code'));
    const verifier = params.get('code_verifier');
    const verified =
      grant &&
      (grant.method === 'S256' ? pkceMatches(grant.challenge, verifier) : verifier === grant.challenge);
    if (
      !grant ||
      !verified ||
      params.get('grant_type') !== 'authorization_code' ||
      params.get('redirect_uri') !== grant.redirectUri
    ) {
      sendJson(res, 400, {
        error: 'invalid_request',
        error_description: 'Value passed for the authorization code was invalid.',
      });
      return;
    }
    sendJson(res, 200, {
      token_type: 'bearer',
      expires_in: 7200,
      access_token: server.issueToken(randomBytes(32).toString('base64url'), grant),
      scope: grant.scopes.join(' '),
      ...(grant.scopes.includes('offline.access')
        ? { refresh_token: randomBytes(32).toString('base64url') }
        : {}),
    });
  }

  function me(req: IncomingMessage, query: URLSearchParams, res: ServerResponse): void {
    const grant = server.bearer(req);
    if (!grant) problem(res, 401, 'Unauthorized');
    else if (!grant.scopes.includes('tweet.read') || !grant.scopes.includes('users.read'))
      problem(res, 403, 'Forbidden');
    else if (double.meBody) sendJson(res, 200, double.meBody);
    else sendJson(res, 200, { data: userFields(grant, query) });
  }

  /** `id`, `name`, `username` and the `user.fields` asked for; `confirmed_email` only with `users.email`. */
  function userFields(grant: Grant, query: URLSearchParams) {
    const asked = (query.get('user.fields') ?? '').split(',').filter(Boolean);
    const data: Record<string, unknown> = {};
    for (const field of ['id', 'name', 'username', ...asked]) {
      if (field === 'confirmed_email' && !grant.scopes.includes('users.email')) continue;
      if (field in grant.user) data[field] = grant.user[field];
    }
    return data;
  }

  const server = await startOAuth2Server<Grant, Grant>(
    routeTable(
      {
        'GET /i/oauth2/authorize': (_req, recorded, res) => authorize(recorded.params, res),
        'POST /2/oauth2/token': (req, recorded, res) => token(req, recorded.params, res),
        'GET /2/users/me': (req, recorded, res) => me(req, recorded.query, res),
      },
      (res) => problem(res, 404, 'Not Found'),
    ),
  );

  const double: XDouble = {
    ...server.plumbing,
    clientId: 'M1M5R3BMVy13QmpScXkzTUt5OE46MTpjaQ',
    clientSecret: 'x-double-secret-0123456789abcdef0123456789abcdef',
    endpoints: server.endpoints({
      authorization: '/i/oauth2/authorize',
      token: '/2/oauth2/token',
      userinfo: '/2/users/me',
    }),
    user: xUser(),
    deny: false,
    reset() {
      double.user = xUser();
      double.deny = false;
      double.requests.length = 0;
      delete double.meBody;
      delete double.grantedScopes;
    },
  };
  return double;
}
