import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basicCredentials, pkceMatches, routeTable, sendHtml, sendJson } from './double-http.js';
import { githubUser } from './github-double.js';
import { negotiatedTokenAnswer, type ProviderDouble, startOAuth2Server } from './oauth2-server-double.js';

type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

export interface OAuth2Double
  extends ProviderDouble<{ authorization: string; token: string; userinfo: string }> {
  /** How the token endpoint wants the client to authenticate (as registered there). */
  clientAuth: ClientAuthMethod;
  /** The JSON `/user` answers for the next login's token. */
  profile: Record<string, unknown>;
  /** The JSON array `/user/emails` answers (GitHub's shape). */
  emails: Record<string, unknown>[];
  /** Answer `/user` with exactly this instead (a non-JSON page, say). */
  profileBody?: { type: string; body: string };
  /** The token endpoint's answer instead of a token (`{ status: 400, body: { error: 'invalid_grant' } }`). */
  tokenError?: { status: number; body: Record<string, unknown> };
  /** An `iss` to add to the authorization response (RFC 9207). */
  iss?: string;
}

/** A GitHub-like `GET /user` answer: GitHub's, its email public. */
export function githubLikeUser(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return githubUser({ email: 'octocat@github.com', ...overrides });
}

/** A GitHub-like `GET /user/emails` answer: the primary address verified, another one not. */
function githubLikeEmails(): Record<string, unknown>[] {
  return [
    { email: 'octocat@github.com', primary: true, verified: true, visibility: 'public' },
    { email: 'octo@example.com', primary: false, verified: false, visibility: null },
  ];
}

/** What a code stands for. */
interface Grant {
  redirectUri: string;
  challenge?: string;
  profile: Record<string, unknown>;
}

/**
 * A plain OAuth 2.0 provider on 127.0.0.1:0 shaped like GitHub's (`/login/oauth/authorize`,
 * `/login/oauth/access_token`, `GET /user`, `GET /user/emails`), speaking RFC 6749: client authentication as registered
 * (`clientAuth`), PKCE S256 checked when a challenge was sent, error bodies as JSON, and — like GitHub —
 * a form-encoded token answer unless the client asks for JSON. With `response_mode=form_post` it answers
 * the authorization request with a self-posting form instead of a redirect.
 */
export async function startOAuth2Double(): Promise<OAuth2Double> {
  function authorize(params: URLSearchParams, res: ServerResponse): void {
    const request = server.authorization(params, double.clientId);
    if (!request) {
      sendHtml(res, 400, '<p>The redirect_uri is not registered.</p>');
      return;
    }
    const challenge = params.get('code_challenge') ?? undefined;
    const answer: Record<string, string> = double.deny
      ? { error: 'access_denied', error_description: 'The user has denied your application access.' }
      : {
          code: server.issueCode(randomBytes(10).toString('hex'), {
            redirectUri: request.redirectUri,
            profile: double.profile,
            ...(challenge ? { challenge } : {}),
          }),
        };
    if (double.iss) answer.iss = double.iss;
    if (params.get('response_mode') === 'form_post') request.postBack(res, answer);
    else request.sendBack(res, answer);
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
    const grant = server.redeem(params.get('code'));
    const verifier = params.get('code_verifier');
    const pkceFails = grant?.challenge ? !pkceMatches(grant.challenge, verifier) : verifier !== null;
    if (!grant || grant.redirectUri !== params.get('redirect_uri') || pkceFails) {
      sendJson(res, 400, { error: 'invalid_grant', error_description: 'The code is incorrect or expired.' });
      return;
    }
    // Like GitHub: form-encoded unless the client asks for JSON.
    negotiatedTokenAnswer(req, res, {
      access_token: server.issueToken(`gho_${randomBytes(18).toString('base64url')}`, grant.profile),
      token_type: 'bearer',
      scope: params.get('scope') ?? '',
    });
  }

  function user(req: IncomingMessage, res: ServerResponse, emails = false): void {
    const profile = server.bearer(req);
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

  const server = await startOAuth2Server<Grant, Record<string, unknown>>(
    routeTable(
      {
        'GET /login/oauth/authorize': (_req, recorded, res) => authorize(recorded.params, res),
        'POST /login/oauth/access_token': (req, recorded, res) => token(req, recorded.params, res),
        'GET /user': (req, _recorded, res) => user(req, res),
        'GET /user/emails': (req, _recorded, res) => user(req, res, true),
      },
      (res) => sendJson(res, 404, { message: 'Not Found' }),
    ),
  );

  const double: OAuth2Double = {
    ...server.plumbing,
    clientId: 'Iv1.8a61f9b3a7aba766',
    clientSecret: 'oauth2-double-secret-0123456789abcdef',
    endpoints: server.endpoints({
      authorization: '/login/oauth/authorize',
      token: '/login/oauth/access_token',
      userinfo: '/user',
    }),
    clientAuth: 'client_secret_basic',
    profile: githubLikeUser(),
    emails: githubLikeEmails(),
    deny: false,
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
  };
  return double;
}
