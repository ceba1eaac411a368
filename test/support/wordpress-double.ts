import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { routeTable, sendHtml, sendJson } from './double-http.js';
import { type ProviderDouble, startOAuth2Server } from './oauth2-server-double.js';

/** How an endpoint misbehaves: a 500 with JSON, a 200 with an HTML page, or no answer at all. */
export type Failure = 'error' | 'html' | 'hang';

/** A provider double without `reset`: each suite that uses it starts its own. */
export interface WordPressDouble
  extends Omit<ProviderDouble<{ authorization: string; token: string; userinfo: string }>, 'reset'> {
  /** The body `/rest/v1.1/me` answers for the next login's token. */
  me: Record<string, unknown>;
  fail: { token?: Failure; me?: Failure };
  /** Requests currently held open by a `hang` failure. */
  held: number;
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

  function authorize(params: URLSearchParams, res: ServerResponse): void {
    const request = server.authorization(params, double.clientId);
    if (!request) sendHtml(res, 400, '<p>Invalid redirect_uri.</p>');
    else if (double.deny) request.sendBack(res, { error: 'access_denied' });
    else {
      const grant = { redirectUri: request.redirectUri, me: double.me };
      request.sendBack(res, { code: server.issueCode(randomBytes(8).toString('hex'), grant) });
    }
  }

  function token(req: IncomingMessage, params: URLSearchParams, res: ServerResponse): void {
    if (failed(res, double.fail.token)) return;
    // Client credentials only as POST parameters: Basic is an unknown client.
    if (
      /^basic /i.test(req.headers.authorization ?? '') ||
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
    const grant = server.redeem(params.get('code'));
    if (!grant || grant.redirectUri !== params.get('redirect_uri')) {
      sendJson(res, 400, { error: 'invalid_grant', error_description: 'Invalid authorization code.' });
      return;
    }
    sendJson(res, 200, {
      access_token: server.issueToken(randomBytes(32).toString('base64'), grant.me),
      blog_id: '0',
      blog_url: '',
      token_type: 'bearer',
      scope: 'auth',
    });
  }

  function me(req: IncomingMessage, res: ServerResponse): void {
    if (failed(res, double.fail.me)) return;
    const me = server.bearer(req);
    if (!me) {
      sendJson(res, 403, {
        error: 'authorization_required',
        message: 'An active access token must be used to query information about the current user.',
      });
      return;
    }
    sendJson(res, 200, me);
  }

  const server = await startOAuth2Server<
    { redirectUri: string; me: Record<string, unknown> },
    Record<string, unknown>
  >(
    routeTable(
      {
        'GET /oauth2/authorize': (_req, recorded, res) => authorize(recorded.params, res),
        'POST /oauth2/token': (req, recorded, res) => token(req, recorded.params, res),
        'GET /rest/v1.1/me': (req, _recorded, res) => me(req, res),
      },
      (res) => sendJson(res, 404, { error: 'unknown_endpoint', message: 'Unknown endpoint.' }),
    ),
  );

  const double: WordPressDouble = {
    ...server.plumbing,
    clientId: '12345',
    clientSecret: 'wpcom-client-secret-0123456789abcdef',
    endpoints: server.endpoints({
      authorization: '/oauth2/authorize',
      token: '/oauth2/token',
      userinfo: '/rest/v1.1/me',
    }),
    me: wordpressMe(),
    deny: false,
    fail: {},
    held: 0,
  };
  return double;
}
