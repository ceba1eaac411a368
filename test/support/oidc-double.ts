import { createHash, randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { type Fault, type FaultSwitches, faultSwitches } from './double-faults.js';
import { readBody, sendJson } from './double-http.js';
import { listenOnFreePort } from './gateway.js';
import { type IdTokenSpec, signIdToken } from './id-token-spec.js';

export type { Fault } from './double-faults.js';
export type { IdTokenSpec } from './id-token-spec.js';
export type DoubleEndpoint = 'discovery' | 'jwks' | 'token' | 'userinfo';

/** How a provider's double differs from the plain one (google-double.ts, microsoft-double.ts, …). */
export interface OidcDoubleOptions {
  /** The issuer its discovery names and its ID tokens carry (default: its own URL). */
  issuer?: string;
  /** The client id it knows and the subject logins complete as (`reset()` goes back to them). */
  clientId?: string;
  sub?: string;
  /** Members over its discovery document (a provider's production URLs), or a function of the path asked. */
  metadata?: Record<string, unknown> | ((path: string) => Record<string, unknown>);
  /** The paths its endpoints end with (default /authorize, /token, /userinfo, /jwks): any tenant's, say. */
  paths?: Partial<Record<'authorize' | 'token' | 'userinfo' | 'jwks', string>>;
  /** Claims over a correct ID token's, before the test's own (`idToken.claims`). */
  claims?: (grant: { sub: string }) => Record<string, unknown>;
  alg?: 'ES256' | 'RS256';
  /** ID tokens carry the nonce sent (default true: LinkedIn's never do). */
  nonce?: boolean;
  /** A token request with a `code_verifier` is refused as 401 invalid_client (LinkedIn's web apps). */
  refuseCodeVerifier?: boolean;
  /** The authorization response carries `iss` (RFC 9207), as Google's does. */
  authorizationResponseIss?: boolean;
  /** The reader's refusal, as the provider redirects it back (default error=access_denied). */
  denial?: Record<string, string>;
  /** More members of a successful token response (LinkedIn's comma-separated `scope`). */
  tokenResponse?: Record<string, unknown>;
  /** What /userinfo answers for a subject (default a name and an email). */
  userinfo?: (sub: string) => Record<string, unknown>;
}

/** The double; `held`, `whenHeld`, `release` and `proceed` are its fault switches' (double-faults.ts). */
export interface OidcDouble extends Omit<FaultSwitches<DoubleEndpoint>, 'slowed' | 'faulted'> {
  issuer: string;
  /** Its own URL, which `issuer` may not be (a provider's production issuer). */
  url: string;
  /** Its authorization, token and userinfo endpoints on loopback, for `providers.<id>.endpoints`. */
  endpoints: { authorization: string; token: string; userinfo: string };
  clientId: string;
  clientSecret: string;
  /** The subject the next login completes as. */
  sub: string;
  /** Changes to the next ID tokens (reset with `reset()`). */
  idToken: IdTokenSpec;
  /** The `sub` /userinfo answers (default: the ID token's). */
  userinfoSub?: string;
  /** The reader refuses at the authorization endpoint. */
  deny: boolean;
  faults: Partial<Record<DoubleEndpoint, Fault>>;
  /** Every request: its method, path, headers and parameters (the query, or a posted form). */
  requests: { method: string; path: string; headers: IncomingHttpHeaders; params: URLSearchParams }[];
  /** Adds a redirect URI the client registered (Byline's callback, known once it listens). */
  register(redirectUri: string): void;
  reset(): void;
  close(): Promise<void>;
}

/**
 * A hand-rolled OpenID provider on 127.0.0.1:0 that signs its ID tokens with jose exactly as the test
 * says: a correct token by default, or one with a chosen defect (bad signature, another key under the
 * published kid, `alg: none`, wrong `iss`/`aud`, missing claims, a different nonce, …). Its endpoints
 * can hang, answer HTML or fail, so tests can drive every upstream outcome over real HTTP.
 */
export async function startOidcDouble(options: OidcDoubleOptions = {}): Promise<OidcDouble> {
  const { server, url } = await listenOnFreePort();
  const issuer = options.issuer ?? url;
  const alg = options.alg ?? 'ES256';
  const paths = {
    authorize: '/authorize',
    token: '/token',
    userinfo: '/userinfo',
    jwks: '/jwks',
    ...options.paths,
  };
  const kid = 'double-key-1';
  const published = await generateKeyPair(alg, { extractable: true });
  const unpublished = await generateKeyPair(alg, { extractable: true });
  const publicJwk: JWK = { ...(await exportJWK(published.publicKey)), kid, alg, use: 'sig' };
  const codes = new Map<string, { nonce?: string; challenge?: string; redirectUri: string; sub: string }>();
  const tokens = new Map<string, string>();
  const redirectUris: string[] = [];
  const switches = faultSwitches<DoubleEndpoint>(() => double.faults);
  const { slowed, faulted } = switches;

  const double: OidcDouble = {
    issuer,
    url,
    endpoints: {
      authorization: url + paths.authorize,
      token: url + paths.token,
      userinfo: url + paths.userinfo,
    },
    deny: false,
    clientId: options.clientId ?? 'double-client',
    clientSecret: 'double-client-secret-0123456789',
    sub: options.sub ?? 'double-user-1',
    idToken: {},
    faults: {},
    get held() {
      return switches.held;
    },
    whenHeld: switches.whenHeld,
    proceed: switches.proceed,
    release: switches.release,
    requests: [],
    register(redirectUri) {
      redirectUris.push(redirectUri);
    },
    reset() {
      double.idToken = {};
      delete double.userinfoSub;
      double.faults = {};
      double.deny = false;
      double.sub = options.sub ?? 'double-user-1';
      double.requests.length = 0;
    },
    async close() {
      double.proceed();
      double.release();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };

  async function idToken(grant: { nonce?: string; sub: string }): Promise<string> {
    const spec = double.idToken;
    if (spec.raw !== undefined) return spec.raw;
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      iss: issuer,
      sub: grant.sub,
      aud: double.clientId,
      iat: now,
      exp: now + 300,
      ...(grant.nonce && options.nonce !== false ? { nonce: grant.nonce } : {}),
      name: 'Double User',
      ...options.claims?.(grant),
      ...spec.claims,
    };
    const key = spec.unpublishedKey ? unpublished.privateKey : published.privateKey;
    return signIdToken(claims, { alg, kid, ...spec.header }, key, double.clientSecret, spec.corruptSignature);
  }

  server.on('request', async (req: IncomingMessage, res: ServerResponse) => {
    const target = new URL(req.url ?? '/', url);
    const recorded = {
      method: req.method ?? '',
      path: target.pathname,
      headers: req.headers,
      params: target.searchParams,
    };
    double.requests.push(recorded);
    try {
      if (target.pathname.endsWith('/.well-known/openid-configuration')) {
        if (faulted('discovery', res)) return;
        const { metadata = {} } = options;
        sendJson(res, 200, {
          issuer,
          authorization_endpoint: double.endpoints.authorization,
          token_endpoint: double.endpoints.token,
          userinfo_endpoint: double.endpoints.userinfo,
          jwks_uri: url + paths.jwks,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: [alg],
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['client_secret_post'],
          ...(typeof metadata === 'function' ? metadata(target.pathname) : metadata),
        });
        return;
      }
      if (target.pathname.endsWith(paths.jwks)) {
        if (faulted('jwks', res)) return;
        sendJson(res, 200, { keys: [publicJwk] });
        return;
      }
      if (target.pathname.endsWith(paths.authorize)) {
        const params = target.searchParams;
        const redirectUri = params.get('redirect_uri') ?? '';
        if (params.get('client_id') !== double.clientId || !redirectUris.includes(redirectUri)) {
          res.writeHead(400, { 'content-type': 'text/plain' }).end('bad client or redirect_uri');
          return;
        }
        const back = new URL(redirectUri);
        if (params.get('state')) back.searchParams.set('state', params.get('state') as string);
        if (options.authorizationResponseIss) back.searchParams.set('iss', issuer);
        if (double.deny) {
          for (const [name, value] of Object.entries(options.denial ?? { error: 'access_denied' }))
            back.searchParams.set(name, value);
          res.writeHead(302, { location: back.href }).end();
          return;
        }
        const code = randomBytes(12).toString('base64url');
        codes.set(code, {
          redirectUri,
          sub: double.sub,
          ...(params.get('nonce') ? { nonce: params.get('nonce') as string } : {}),
          ...(params.get('code_challenge') ? { challenge: params.get('code_challenge') as string } : {}),
        });
        back.searchParams.set('code', code);
        res.writeHead(302, { location: back.href }).end();
        return;
      }
      if (target.pathname.endsWith(paths.token) && req.method === 'POST') {
        const params = new URLSearchParams(await readBody(req));
        recorded.params = params;
        if (faulted('token', res)) return;
        if (options.refuseCodeVerifier && params.has('code_verifier')) {
          sendJson(res, 401, { error: 'invalid_client', error_description: 'Client authentication failed' });
          return;
        }
        const grant = codes.get(params.get('code') ?? '');
        codes.delete(params.get('code') ?? '');
        const verifier = params.get('code_verifier') ?? '';
        if (
          !grant ||
          params.get('client_secret') !== double.clientSecret ||
          params.get('redirect_uri') !== grant.redirectUri ||
          (grant.challenge && createHash('sha256').update(verifier).digest('base64url') !== grant.challenge)
        ) {
          sendJson(res, 400, { error: 'invalid_grant' });
          return;
        }
        const accessToken = randomBytes(24).toString('base64url');
        tokens.set(accessToken, grant.sub);
        sendJson(res, 200, {
          access_token: accessToken,
          token_type: 'Bearer',
          expires_in: 300,
          id_token: await idToken(grant),
          ...options.tokenResponse,
        });
        return;
      }
      if (target.pathname.endsWith(paths.userinfo)) {
        await slowed('userinfo');
        if (faulted('userinfo', res)) return;
        const token = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
        const sub = token ? tokens.get(token) : undefined;
        if (!sub) {
          sendJson(res, 401, { error: 'invalid_token' });
          return;
        }
        const body = options.userinfo?.(sub) ?? { name: 'Double User', email: 'double@example.com' };
        sendJson(res, 200, { ...body, sub: double.userinfoSub ?? sub });
        return;
      }
      sendJson(res, 404, { error: 'not_found' });
    } catch (error) {
      if (!res.headersSent) sendJson(res, 500, { error: String(error) });
    }
  });

  return double;
}

/** The `providers.<id>` block of an OIDC provider at a double or peer (issuer, client id and secret). */
export function oidcProviderConfig(
  provider: { issuer: string; clientId: string; clientSecret: string },
  name = 'Acme ID',
): Record<string, unknown> {
  const { issuer, clientId, clientSecret } = provider;
  return { type: 'oidc', name, issuer, clientId, clientSecret };
}
