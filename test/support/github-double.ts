import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pkceMatches, routeTable, sendHtml, sendJson } from './double-http.js';
import { negotiatedTokenAnswer, type ProviderDouble, startOAuth2Server } from './oauth2-server-double.js';

export interface GitHubDouble
  extends ProviderDouble<{ authorization: string; token: string; userinfo: string; emails: string }> {
  /** `GET /user` for the next login's token. */
  user: Record<string, unknown>;
  /** `GET /user/emails` for the next login's token. */
  emails: Record<string, unknown>[];
  /** The token endpoint answers this `error` (with 200 OK, as GitHub does) instead of a token. */
  tokenError?: string;
  /** The scopes the reader lets the app have (GitHub lets a reader grant fewer than asked). */
  grantedScopes?: string[];
}

/** `GET /user` as the REST API documents it (https://docs.github.com/rest/users/users). */
export function githubUser(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    login: 'octocat',
    id: 583231,
    node_id: 'MDQ6VXNlcjU4MzIzMQ==',
    avatar_url: 'https://avatars.githubusercontent.com/u/583231?v=4',
    gravatar_id: '',
    url: 'https://api.github.com/users/octocat',
    html_url: 'https://github.com/octocat',
    type: 'User',
    site_admin: false,
    name: 'The Octocat',
    company: '@github',
    blog: 'https://github.blog',
    location: 'San Francisco',
    email: null,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: 8,
    public_gists: 8,
    followers: 20000,
    following: 9,
    created_at: '2011-01-25T18:44:36Z',
    updated_at: '2024-01-22T12:00:00Z',
    ...overrides,
  };
}

/** `GET /user/emails`: the primary address (verified unless said otherwise), and others. */
export function githubEmails(primaryVerified = true): Record<string, unknown>[] {
  return [
    { email: 'octo@example.com', primary: false, verified: true, visibility: null },
    { email: 'octocat@github.com', primary: true, verified: primaryVerified, visibility: 'public' },
    { email: 'octocat@users.noreply.github.com', primary: false, verified: true, visibility: null },
  ];
}

/** What an authorization code, and then the access token, stands for. */
interface Grant {
  redirectUri: string;
  challenge?: string;
  /** The scopes granted, which the token gets. */
  scopes: string[];
  user: Record<string, unknown>;
}

/** The REST API versions the double accepts in X-GitHub-Api-Version. */
const apiVersions = ['2022-11-28', '2026-03-10'];

const tokenErrors: Record<string, string> = {
  incorrect_client_credentials: 'The client_id and/or client_secret passed are incorrect.',
  redirect_uri_mismatch: 'The redirect_uri MUST match the registered callback URL for this application.',
  bad_verification_code: 'The code passed is incorrect or expired.',
  unverified_user_email: 'The user must have a verified primary email.',
};

/**
 * GitHub's OAuth app endpoints (github.com/login/oauth/…) and REST API (`GET /user`, `GET /user/emails`)
 * on 127.0.0.1:0, as documented: the client secret in the POST body; the token answer form-encoded
 * unless `Accept` asks for JSON (or XML), its `scope` comma-separated; token errors as **200 OK** with
 * `error`, `error_description` and `error_uri`; PKCE S256 checked when a challenge was sent; codes single
 * use. The API refuses a request without a User-Agent (403) or with an unknown API version (400), answers
 * 401 without a valid token, and `/user/emails` only to a token with `user:email` (or `user`).
 */
export async function startGitHubDouble(): Promise<GitHubDouble> {
  function authorize(params: URLSearchParams, res: ServerResponse): void {
    const request = server.authorization(params, double.clientId);
    if (!request) {
      sendHtml(res, 404, '<p>The redirect_uri is not associated with this application.</p>');
      return;
    }
    if (double.deny) {
      request.sendBack(res, {
        error: 'access_denied',
        error_description: 'The user has denied your application access.',
        error_uri:
          'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-authorization-request-errors/#access-denied',
      });
      return;
    }
    const challenge = params.get('code_challenge') ?? undefined;
    if (challenge && params.get('code_challenge_method') !== 'S256') {
      sendHtml(res, 400, '<p>Only S256 is supported.</p>');
      return;
    }
    const requested = (params.get('scope') ?? '').split(' ').filter(Boolean);
    const code = server.issueCode(randomBytes(10).toString('hex'), {
      redirectUri: request.redirectUri,
      scopes: double.grantedScopes ?? requested,
      user: double.user,
      ...(challenge ? { challenge } : {}),
    });
    request.sendBack(res, { code });
  }

  /** GitHub answers token errors with 200 OK, in the format asked for. */
  function tokenError(req: IncomingMessage, res: ServerResponse, error: string): void {
    negotiatedTokenAnswer(req, res, {
      error,
      error_description: tokenErrors[error] ?? error,
      error_uri: `https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#${error.replaceAll('_', '-')}`,
    });
  }

  /** Why the token endpoint refuses the exchange, if it does. */
  function refusal(params: URLSearchParams, grant: Grant | undefined): string | undefined {
    if (params.get('client_id') !== double.clientId || params.get('client_secret') !== double.clientSecret)
      return 'incorrect_client_credentials';
    if (double.tokenError) return double.tokenError;
    if (!grant || (grant.challenge && !pkceMatches(grant.challenge, params.get('code_verifier'))))
      return 'bad_verification_code';
    if (params.has('redirect_uri') && params.get('redirect_uri') !== grant.redirectUri)
      return 'redirect_uri_mismatch';
    return undefined;
  }

  function token(req: IncomingMessage, params: URLSearchParams, res: ServerResponse): void {
    const grant = server.redeem(params.get('code'));
    const error = refusal(params, grant);
    if (error || !grant) {
      tokenError(req, res, error ?? 'bad_verification_code');
      return;
    }
    const accessToken = server.issueToken(`gho_${randomBytes(18).toString('base64url')}`, grant);
    negotiatedTokenAnswer(req, res, {
      access_token: accessToken,
      scope: grant.scopes.join(','),
      token_type: 'bearer',
    });
  }

  function api(req: IncomingMessage, path: string, res: ServerResponse): void {
    if (!req.headers['user-agent']) {
      res
        .writeHead(403, { 'content-type': 'text/plain; charset=utf-8' })
        .end(
          'Request forbidden by administrative rules. Please make sure your request has a User-Agent header.',
        );
      return;
    }
    const version = req.headers['x-github-api-version'];
    if (version !== undefined && !apiVersions.includes(String(version))) {
      sendJson(res, 400, {
        message: `API version ${version} is not supported.`,
        documentation_url: 'https://docs.github.com/rest/about-the-rest-api/api-versions',
        status: '400',
      });
      return;
    }
    const grant = server.bearer(req);
    if (!grant) {
      sendJson(res, 401, {
        message: 'Bad credentials',
        documentation_url: 'https://docs.github.com/rest',
        status: '401',
      });
      return;
    }
    if (path === '/user') {
      sendJson(res, 200, grant.user);
      return;
    }
    if (!grant.scopes.includes('user:email') && !grant.scopes.includes('user')) {
      sendJson(res, 404, {
        message: 'Not Found',
        documentation_url:
          'https://docs.github.com/rest/users/emails#list-email-addresses-for-the-authenticated-user',
        status: '404',
      });
      return;
    }
    sendJson(res, 200, double.emails);
  }

  const server = await startOAuth2Server<Grant, Grant>(
    routeTable(
      {
        'GET /login/oauth/authorize': (_req, recorded, res) => authorize(recorded.params, res),
        'POST /login/oauth/access_token': (req, recorded, res) => token(req, recorded.params, res),
        'GET /user': (req, recorded, res) => api(req, recorded.path, res),
        'GET /user/emails': (req, recorded, res) => api(req, recorded.path, res),
      },
      (res) =>
        sendJson(res, 404, {
          message: 'Not Found',
          documentation_url: 'https://docs.github.com/rest',
          status: '404',
        }),
    ),
  );

  const double: GitHubDouble = {
    ...server.plumbing,
    clientId: 'Ov23liCRDUPnbbNXnq8x',
    clientSecret: 'github-double-secret-0123456789abcdef01234567',
    endpoints: server.endpoints({
      authorization: '/login/oauth/authorize',
      token: '/login/oauth/access_token',
      userinfo: '/user',
      emails: '/user/emails',
    }),
    user: githubUser(),
    emails: githubEmails(),
    deny: false,
    reset() {
      double.user = githubUser();
      double.emails = githubEmails();
      double.deny = false;
      double.requests.length = 0;
      delete double.tokenError;
      delete double.grantedScopes;
    },
  };
  return double;
}
