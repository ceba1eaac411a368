import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type RecordedRequest, readBody, sendJson } from './double-http.js';
import { listenOnFreePort } from './gateway.js';
import type { Failure } from './wordpress-double.js';

export interface FacebookUser {
  id: string;
  name: string;
  email?: string;
  pictureUrl: string;
}

export interface FacebookDouble {
  url: string;
  appId: string;
  appSecret: string;
  /** The Graph API version the endpoints below use. */
  version: string;
  endpoints: { authorization: string; token: string; userinfo: string };
  /** Who logs in next. */
  user: FacebookUser;
  /** The reader cancels the login dialog. */
  deny: boolean;
  /** The reader unticks the email permission. */
  declineEmail: boolean;
  /** `/me` answers a Graph API error (an expired session). */
  graphError: boolean;
  fail: { token?: Failure; me?: Failure };
  requests: RecordedRequest[];
  /** The version segment of every request path, in order. */
  versions: string[];
  held: number;
  count(endpoint: 'dialog/oauth' | 'oauth/access_token' | 'me'): number;
  register(redirectUri: string): void;
  /** A `signed_request` as Facebook posts it to the data deletion and deauthorize callbacks. */
  signedRequest(payload: Record<string, unknown>, secret?: string): string;
  close(): Promise<void>;
}

/** `appsecret_proof`: HMAC-SHA256 of the access token keyed with the app secret, hex. */
export function appSecretProof(accessToken: string, appSecret: string): string {
  return createHmac('sha256', appSecret).update(accessToken).digest('hex');
}

export function signRequest(payload: Record<string, unknown>, secret: string): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${createHmac('sha256', secret).update(body).digest('base64url')}.${body}`;
}

function graphError(message: string, type: string, code: number, subcode?: number) {
  return {
    error: {
      message,
      type,
      code,
      ...(subcode ? { error_subcode: subcode } : {}),
      fbtrace_id: randomBytes(8).toString('base64url'),
    },
  };
}

const htmlPage =
  '<!DOCTYPE html><html><head><title>Facebook</title></head><body><h1>Sorry, something went wrong.</h1></body></html>';

/**
 * Facebook Login and the Graph API on 127.0.0.1:0: the login dialog under `/<version>/dialog/oauth`,
 * the token exchange under `/<version>/oauth/access_token` and `/<version>/me`, which (like an app with
 * "Require App Secret" on) refuses calls without a valid `appsecret_proof`.
 */
export async function startFacebookDouble(options: { version?: string } = {}): Promise<FacebookDouble> {
  const { server, url } = await listenOnFreePort();
  const version = options.version ?? 'v21.0';
  const codes = new Map<string, { redirectUri: string; user: FacebookUser; scopes: string[] }>();
  const tokens = new Map<string, { user: FacebookUser; scopes: string[] }>();
  let redirectUris: string[] = [];

  const double: FacebookDouble = {
    url,
    appId: '1234567890123456',
    appSecret: 'fb-app-secret-0123456789abcdef',
    version,
    endpoints: {
      authorization: `${url}/${version}/dialog/oauth`,
      token: `${url}/${version}/oauth/access_token`,
      userinfo: `${url}/${version}/me`,
    },
    user: {
      id: '10229876543210987',
      name: 'Grace Hopper',
      email: 'grace@example.com',
      pictureUrl:
        'https://platform-lookaside.fbsbx.com/platform/profilepic/?asid=10229876543210987&height=50&width=50',
    },
    deny: false,
    declineEmail: false,
    graphError: false,
    fail: {},
    requests: [],
    versions: [],
    held: 0,
    count: (endpoint) => double.requests.filter((r) => r.path.endsWith(`/${endpoint}`)).length,
    register(redirectUri) {
      redirectUris = [redirectUri];
    },
    signedRequest: (payload, secret = double.appSecret) => signRequest(payload, secret),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };

  function failed(res: ServerResponse, failure: Failure | undefined): boolean {
    if (failure === 'hang') {
      double.held++;
      res.on('close', () => double.held--);
      return true;
    }
    if (failure === 'html') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(htmlPage);
    if (failure === 'error')
      sendJson(
        res,
        500,
        graphError('An unexpected error has occurred. Please retry your request later.', 'OAuthException', 2),
      );
    return failure !== undefined;
  }

  server.on('request', async (req: IncomingMessage, res: ServerResponse) => {
    const target = new URL(req.url ?? '/', url);
    const params = new URLSearchParams(target.search);
    if (req.method === 'POST')
      for (const [k, v] of new URLSearchParams(await readBody(req))) params.append(k, v);
    double.requests.push({
      method: req.method ?? 'GET',
      path: target.pathname,
      headers: req.headers,
      params,
      query: target.searchParams,
    });
    const match = /^\/(v\d+\.\d+)\/(dialog\/oauth|oauth\/access_token|me)$/.exec(target.pathname);
    if (!match) {
      sendJson(res, 400, graphError(`Unknown path components: ${target.pathname}`, 'OAuthException', 2500));
      return;
    }
    double.versions.push(match[1] as string);
    const endpoint = match[2];

    if (endpoint === 'dialog/oauth' && req.method === 'GET') {
      const redirectUri = params.get('redirect_uri') ?? '';
      if (params.get('client_id') !== double.appId || !redirectUris.includes(redirectUri)) {
        res
          .writeHead(200, { 'content-type': 'text/html' })
          .end(
            "<p>URL blocked: This redirect failed because the redirect URI is not whitelisted in the app's Client OAuth Settings.</p>",
          );
        return;
      }
      const back = new URL(redirectUri);
      const state = params.get('state');
      if (double.deny) {
        back.searchParams.set('error', 'access_denied');
        back.searchParams.set('error_code', '200');
        back.searchParams.set('error_description', 'Permissions error');
        back.searchParams.set('error_reason', 'user_denied');
      } else {
        const requested = (params.get('scope') ?? '').split(',').filter(Boolean);
        const scopes = ['public_profile', ...requested.filter((s) => s === 'email' && !double.declineEmail)];
        const code = randomBytes(24).toString('base64url');
        codes.set(code, { redirectUri, user: double.user, scopes });
        back.searchParams.set('code', code);
      }
      if (state) back.searchParams.set('state', state);
      // Facebook appends this fragment to every redirect back to the app.
      back.hash = '_=_';
      res.writeHead(302, { location: back.href }).end();
      return;
    }

    if (endpoint === 'oauth/access_token') {
      if (failed(res, double.fail.token)) return;
      if (params.get('client_id') !== double.appId || params.get('client_secret') !== double.appSecret) {
        sendJson(res, 400, graphError('Error validating client secret.', 'OAuthException', 1));
        return;
      }
      const code = params.get('code') ?? '';
      const grant = codes.get(code);
      codes.delete(code);
      if (!grant) {
        sendJson(res, 400, graphError('Invalid verification code format.', 'OAuthException', 100, 36007));
        return;
      }
      if (grant.redirectUri !== params.get('redirect_uri')) {
        sendJson(
          res,
          400,
          graphError(
            'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request',
            'OAuthException',
            100,
          ),
        );
        return;
      }
      const accessToken = `EAA${randomBytes(48).toString('base64url')}`;
      tokens.set(accessToken, { user: grant.user, scopes: grant.scopes });
      sendJson(res, 200, { access_token: accessToken, token_type: 'bearer', expires_in: 5183944 });
      return;
    }

    if (endpoint === 'me' && req.method === 'GET') {
      if (failed(res, double.fail.me)) return;
      const header = /^(?:Bearer|OAuth) (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
      const accessToken = params.get('access_token') ?? header;
      const grant = accessToken ? tokens.get(accessToken) : undefined;
      if (!accessToken || !grant) {
        sendJson(
          res,
          400,
          graphError(
            'An active access token must be used to query information about the current user.',
            'OAuthException',
            2500,
          ),
        );
        return;
      }
      const proof = params.get('appsecret_proof');
      if (!proof) {
        sendJson(
          res,
          400,
          graphError(
            'API calls from the server require an appsecret_proof argument',
            'GraphMethodException',
            100,
          ),
        );
        return;
      }
      if (proof !== appSecretProof(accessToken, double.appSecret)) {
        sendJson(
          res,
          400,
          graphError('Invalid appsecret_proof provided in the API argument', 'GraphMethodException', 100),
        );
        return;
      }
      if (double.graphError) {
        sendJson(
          res,
          400,
          graphError(
            'Error validating access token: Session has expired on Tuesday, 01-Jul-25 10:00:00 PDT.',
            'OAuthException',
            190,
            463,
          ),
        );
        return;
      }
      const { user, scopes } = grant;
      const fields = (params.get('fields') ?? 'id,name').split(',');
      const all: Record<string, unknown> = {
        id: user.id,
        name: user.name,
        ...(user.email && scopes.includes('email') ? { email: user.email } : {}),
        picture: { data: { height: 50, is_silhouette: false, url: user.pictureUrl, width: 50 } },
      };
      sendJson(
        res,
        200,
        Object.fromEntries(fields.flatMap((field) => (field in all ? [[field, all[field]]] : []))),
      );
      return;
    }

    sendJson(res, 400, graphError('Unsupported request.', 'GraphMethodException', 100));
  });

  return double;
}
