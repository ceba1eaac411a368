/**
 * A Mastodon instance on loopback, as its documentation describes the wire (docs.joinmastodon.org:
 * methods/apps, methods/oauth, methods/accounts#verify_credentials, entities/Account, api/oauth-scopes),
 * in three versions: 4.2 (no RFC 8414 metadata, no PKCE, no `profile` scope), 4.3 (metadata, PKCE S256,
 * the `profile` scope) and 4.4 (the same, with `/oauth/userinfo` and `client_secret_expires_at`). Its
 * authorization page approves at once as the signed-in account (`reader`), as a reader who clicks
 * "Authorize" would.
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import {
  bearerToken,
  clientCredentials,
  pkceMatches,
  type RecordedRequest,
  redirectBack,
  sendJson,
  startDoubleServer,
} from './double-http.js';
import { mastodonAccount } from './mastodon-account.js';

export type MastodonVersion = '4.2' | '4.3' | '4.4';

export interface MastodonDouble {
  url: string;
  version: MastodonVersion;
  /** The account signed in at the instance: whoever authorizes Byline. */
  reader: Record<string, unknown>;
  /** ms the instance takes to answer `POST /api/v1/apps` (to let concurrent readers pile up). */
  appDelayMs: number;
  /** Answers `verify_credentials` with this status and error instead (403: a disabled account). */
  accountError?: { status: number; error: string };
  /** The token endpoint refuses the code for the account, as Akkoma and Pleroma do (403, with an identifier). */
  tokenRefusal?: { error: string; identifier: string };
  requests: RecordedRequest[];
  to(method: string, path: string): RecordedRequest[];
  /** The apps the instance knows, by client id. */
  apps: Map<string, App>;
  /** Forgets every app, as Mastodon before 4.3 vacuumed idle ones (or an admin removed Byline's). */
  forgetApps(): void;
  /** How many readers' access tokens are live (Byline revokes each once it has read the account). */
  liveUserTokens(): number;
  close(): Promise<void>;
}

interface App {
  name: string;
  secret: string;
  redirectUris: string[];
  scopes: string[];
  website: string | null;
}

interface Grant {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  challenge?: string;
  account: Record<string, unknown>;
}

const allScopes = ['read', 'write', 'follow', 'push', 'read:accounts', 'read:statuses', 'write:statuses'];

/** The page Rails answers for an unknown path: HTML, not JSON. */
function notFoundPage(res: ServerResponse): void {
  res
    .writeHead(404, { 'content-type': 'text/html; charset=utf-8' })
    .end('<!DOCTYPE html><title>The page you were looking for doesn’t exist (404)</title>');
}

const invalidClient = {
  error: 'invalid_client',
  error_description:
    'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.',
};

export async function startMastodonDouble(version: MastodonVersion): Promise<MastodonDouble> {
  const apps = new Map<string, App>();
  const codes = new Map<string, Grant>();
  const tokens = new Map<string, { clientId: string; scopes: string[]; account?: Record<string, unknown> }>();
  const metadata = version !== '4.2';
  const scopesKnown = metadata ? [...allScopes, 'profile'] : allScopes;

  const clientOf = (req: RecordedRequest): [string, App] | undefined => {
    const [id, secret] = clientCredentials(req);
    const app = apps.get(id);
    return app && app.secret === secret ? [id, app] : undefined;
  };

  const double: MastodonDouble = {
    url: '',
    version,
    reader: {},
    appDelayMs: 0,
    requests: [],
    to: (method, path) => double.requests.filter((r) => r.method === method && r.path === path),
    apps,
    forgetApps: () => apps.clear(),
    liveUserTokens: () => [...tokens.values()].filter((token) => token.account).length,
    close: async () => server.close(),
  };

  const server = await startDoubleServer(async (_req, recorded, res) => {
    const url = double.url;
    switch (`${recorded.method} ${recorded.path}`) {
      case 'GET /.well-known/oauth-authorization-server': {
        if (!metadata) return notFoundPage(res);
        return sendJson(res, 200, {
          issuer: `${url}/`,
          service_documentation: 'https://docs.joinmastodon.org/',
          authorization_endpoint: `${url}/oauth/authorize`,
          token_endpoint: `${url}/oauth/token`,
          app_registration_endpoint: `${url}/api/v1/apps`,
          revocation_endpoint: `${url}/oauth/revoke`,
          ...(version === '4.4' ? { userinfo_endpoint: `${url}/oauth/userinfo` } : {}),
          scopes_supported: scopesKnown,
          response_types_supported: ['code'],
          response_modes_supported: ['query', 'fragment', 'form_post'],
          code_challenge_methods_supported: ['S256'],
          grant_types_supported: ['authorization_code', 'client_credentials'],
          token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        });
      }
      case 'POST /api/v1/apps': {
        if (double.appDelayMs) await new Promise((resolve) => setTimeout(resolve, double.appDelayMs));
        const name = recorded.params.get('client_name');
        const redirectUris = recorded.params.getAll('redirect_uris').flatMap((uris) => uris.split('\n'));
        const scopes = (recorded.params.get('scopes') ?? 'read').split(' ').filter(Boolean);
        if (!name || redirectUris.length === 0)
          return sendJson(res, 422, {
            error: "Validation failed: Name can't be blank, Redirect URI can't be blank",
          });
        if (scopes.some((scope) => !scopesKnown.includes(scope)))
          return sendJson(res, 422, { error: 'Validation failed: Scopes must contain only valid scopes' });
        const id = randomBytes(32).toString('base64url').slice(0, 43);
        const app = {
          name,
          secret: randomBytes(32).toString('base64url').slice(0, 43),
          redirectUris,
          scopes,
          website: recorded.params.get('website'),
        };
        apps.set(id, app);
        return sendJson(res, 200, {
          id: String(apps.size + 563418),
          name,
          website: app.website,
          ...(metadata ? { scopes, redirect_uris: redirectUris } : {}),
          redirect_uri: redirectUris.join('\n'),
          client_id: id,
          client_secret: app.secret,
          ...(version === '4.4' ? { client_secret_expires_at: 0 } : {}),
          ...(version === '4.2'
            ? {
                vapid_key:
                  'BCk-QqERU0q-CfYZjcuB6lnyyOYfJ2AifKqfeGIm7Z-HiTU5T9eTG5GxVA0_OH5mMlI4UkkDTpaZwozy0TzdZ2M=',
              }
            : {}),
        });
      }
      case 'GET /oauth/authorize': {
        const q = recorded.query;
        const app = apps.get(q.get('client_id') ?? '');
        // Doorkeeper shows its own error page for an unknown client or redirect URI: no redirect.
        if (!app)
          return res
            .writeHead(401, { 'content-type': 'text/html' })
            .end('<p>Client authentication failed due to unknown client</p>');
        const redirectUri = q.get('redirect_uri') ?? '';
        if (!app.redirectUris.includes(redirectUri))
          return res
            .writeHead(400, { 'content-type': 'text/html' })
            .end('<p>The redirect uri included is not valid.</p>');
        const scopes = (q.get('scope') ?? 'read').split(' ');
        const state = q.get('state') ?? '';
        if (scopes.some((scope) => !app.scopes.includes(scope)))
          return redirectBack(res, redirectUri, { error: 'invalid_scope', state });
        const challenge = metadata ? q.get('code_challenge') : null;
        const code = randomBytes(32).toString('base64url');
        codes.set(code, {
          clientId: q.get('client_id') ?? '',
          redirectUri,
          scopes,
          ...(challenge ? { challenge } : {}),
          account: double.reader,
        });
        return redirectBack(res, redirectUri, { code, ...(state ? { state } : {}) });
      }
      case 'POST /oauth/token': {
        const client = clientOf(recorded);
        if (!client) return sendJson(res, 401, invalidClient);
        const [clientId] = client;
        const grantType = recorded.params.get('grant_type');
        const access = randomBytes(32).toString('base64url');
        if (grantType === 'client_credentials') {
          const scopes = (recorded.params.get('scope') ?? 'read').split(' ');
          tokens.set(access, { clientId, scopes });
          return sendJson(res, 200, {
            access_token: access,
            token_type: 'Bearer',
            scope: scopes.join(' '),
            created_at: 1765000000,
          });
        }
        const code = recorded.params.get('code') ?? '';
        const grant = codes.get(code);
        codes.delete(code);
        const invalidGrant = {
          error: 'invalid_grant',
          error_description:
            'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
        };
        if (
          grantType !== 'authorization_code' ||
          !grant ||
          grant.clientId !== clientId ||
          grant.redirectUri !== recorded.params.get('redirect_uri')
        )
          return sendJson(res, 400, invalidGrant);
        if (grant.challenge && !pkceMatches(grant.challenge, recorded.params.get('code_verifier')))
          return sendJson(res, 400, invalidGrant);
        if (double.tokenRefusal) return sendJson(res, 403, double.tokenRefusal);
        tokens.set(access, { clientId, scopes: grant.scopes, account: grant.account });
        return sendJson(res, 200, {
          access_token: access,
          token_type: 'Bearer',
          scope: grant.scopes.join(' '),
          created_at: 1765000000,
        });
      }
      case 'GET /api/v1/accounts/verify_credentials': {
        const token = tokens.get(bearerToken(_req) ?? '');
        if (!token?.account) return sendJson(res, 401, { error: 'The access token is invalid' });
        if (!token.scopes.some((scope) => ['read', 'read:accounts', 'profile'].includes(scope)))
          return sendJson(res, 403, { error: 'This action is outside the authorized scopes' });
        if (double.accountError)
          return sendJson(res, double.accountError.status, { error: double.accountError.error });
        return sendJson(res, 200, token.account);
      }
      case 'GET /oauth/userinfo': {
        if (version !== '4.4') return notFoundPage(res);
        const token = tokens.get(bearerToken(_req) ?? '');
        if (!token?.account) return sendJson(res, 401, { error: 'The access token is invalid' });
        if (!token.scopes.includes('profile'))
          return sendJson(res, 403, { error: 'This action is outside the authorized scopes' });
        const account = token.account;
        return sendJson(res, 200, {
          iss: `${url}/`,
          sub: account.uri,
          name: account.display_name,
          preferred_username: account.username,
          profile: account.url,
          picture: account.avatar,
        });
      }
      case 'POST /oauth/revoke': {
        const client = clientOf(recorded);
        const token = tokens.get(recorded.params.get('token') ?? '');
        if (!client || (token && token.clientId !== client[0]))
          return sendJson(res, 403, {
            error: 'unauthorized_client',
            error_description: 'You are not authorized to revoke this token',
          });
        tokens.delete(recorded.params.get('token') ?? '');
        return sendJson(res, 200, {});
      }
      default:
        return notFoundPage(res);
    }
  });
  double.url = server.url;
  double.requests = server.requests;
  double.reader = mastodonAccount(server.url);
  return double;
}
