import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  clientCredentials,
  pkceMatches,
  type RecordedRequest,
  routeTable,
  sendHtml,
  sendJson,
} from './double-http.js';
import { type ProviderDouble, startOAuth2Server } from './oauth2-server-double.js';

export interface DiscordDouble
  extends ProviderDouble<{ authorization: string; token: string; userinfo: string }> {
  /** The reader's user object (`email` and `verified` are sent only with scope `email`). */
  user: Record<string, unknown>;
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

/** What a code, and then the access token, stands for. */
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
  function authorize(params: URLSearchParams, res: ServerResponse): void {
    const request = server.authorization(params, double.clientId);
    if (!request) {
      sendHtml(res, 400, '<p>Invalid OAuth2 redirect_uri</p>');
      return;
    }
    if (double.deny) {
      request.sendBack(res, {
        error: 'access_denied',
        error_description: 'The resource owner or authorization server denied the request',
      });
      return;
    }
    const challenge = params.get('code_challenge') ?? undefined;
    const code = server.issueCode(randomBytes(15).toString('base64url'), {
      redirectUri: request.redirectUri,
      scopes: (params.get('scope') ?? '').split(' ').filter(Boolean),
      user: double.user,
      ...(challenge ? { challenge } : {}),
    });
    request.sendBack(res, { code });
  }

  function token(req: IncomingMessage, recorded: RecordedRequest, res: ServerResponse): void {
    if (!String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
      sendJson(res, 400, { error: 'unsupported_grant_type' });
      return;
    }
    const [id, secret] = clientCredentials(recorded);
    if (id !== double.clientId || secret !== double.clientSecret) {
      sendJson(res, 401, { error: 'invalid_client' });
      return;
    }
    const { params } = recorded;
    const grant = server.redeem(params.get('code'));
    if (
      !grant ||
      params.get('redirect_uri') !== grant.redirectUri ||
      (grant.challenge && !pkceMatches(grant.challenge, params.get('code_verifier')))
    ) {
      sendJson(res, 400, { error: 'invalid_grant', error_description: 'Invalid "code" in request.' });
      return;
    }
    sendJson(res, 200, {
      token_type: 'Bearer',
      access_token: server.issueToken(randomBytes(23).toString('base64url'), grant),
      expires_in: 604800,
      refresh_token: randomBytes(23).toString('base64url'),
      scope: grant.scopes.join(' '),
    });
  }

  function me(req: IncomingMessage, res: ServerResponse): void {
    const grant = server.bearer(req);
    if (!grant?.scopes.includes('identify')) {
      sendJson(res, 401, { message: '401: Unauthorized', code: 0 });
      return;
    }
    const { email, verified, ...user } = grant.user;
    sendJson(res, 200, grant.scopes.includes('email') ? { ...user, email, verified } : user);
  }

  const server = await startOAuth2Server<Grant, Grant>(
    routeTable(
      {
        'GET /oauth2/authorize': (_req, recorded, res) => authorize(recorded.params, res),
        'POST /api/oauth2/token': token,
        'GET /api/v10/users/@me': (req, _recorded, res) => me(req, res),
      },
      (res) => sendJson(res, 404, { message: '404: Not Found', code: 0 }),
    ),
  );

  const double: DiscordDouble = {
    ...server.plumbing,
    clientId: '157730590492196864',
    clientSecret: 'discord-double-secret-0123456789ab',
    endpoints: server.endpoints({
      authorization: '/oauth2/authorize',
      token: '/api/oauth2/token',
      userinfo: '/api/v10/users/@me',
    }),
    user: discordUser(),
    deny: false,
    reset() {
      double.user = discordUser();
      double.deny = false;
      double.requests.length = 0;
    },
  };
  return double;
}
