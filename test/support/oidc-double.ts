import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { type Fault, type FaultSwitches, faultSwitches } from './double-faults.js';
import { pkceMatches, type RecordedRequest, sendJson } from './double-http.js';
import { type IdTokenSpec, signIdToken } from './id-token-spec.js';
import { startOAuth2Server } from './oauth2-server-double.js';

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
  requests: RecordedRequest[];
  /** Adds redirect URIs the client registered (Byline's callbacks, known once it listens). */
  register(...redirectUris: string[]): void;
  reset(): void;
  close(): Promise<void>;
}

/** What a code stands for. */
interface Grant {
  redirectUri: string;
  sub: string;
  nonce?: string;
  challenge?: string;
}

/**
 * A hand-rolled OpenID provider on 127.0.0.1:0 that signs its ID tokens with jose exactly as the test
 * says: a correct token by default, or one with a chosen defect (bad signature, another key under the
 * published kid, `alg: none`, wrong `iss`/`aud`, missing claims, a different nonce, …). Its endpoints
 * can hang, answer HTML or fail, so tests can drive every upstream outcome over real HTTP.
 */
export async function startOidcDouble(options: OidcDoubleOptions = {}): Promise<OidcDouble> {
  const server = await startOAuth2Server<Grant, string>((req, recorded, res) => {
    route(req, recorded, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: String(error) });
    });
  });
  const { url } = server.plumbing;
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
  const switches = faultSwitches<DoubleEndpoint>(() => double.faults);
  const { slowed, faulted } = switches;

  const double: OidcDouble = {
    issuer,
    url,
    endpoints: server.endpoints({
      authorization: paths.authorize,
      token: paths.token,
      userinfo: paths.userinfo,
    }),
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
    requests: server.plumbing.requests,
    register(...redirectUris) {
      server.redirectUris.push(...redirectUris);
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
      await server.plumbing.close();
    },
  };

  async function idToken(grant: Grant): Promise<string> {
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

  async function route(req: IncomingMessage, recorded: RecordedRequest, res: ServerResponse): Promise<void> {
    const { path, params } = recorded;
    if (path.endsWith('/.well-known/openid-configuration')) {
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
        ...(typeof metadata === 'function' ? metadata(path) : metadata),
      });
      return;
    }
    if (path.endsWith(paths.jwks)) {
      if (faulted('jwks', res)) return;
      sendJson(res, 200, { keys: [publicJwk] });
      return;
    }
    if (path.endsWith(paths.authorize)) {
      const request = server.authorization(params, double.clientId);
      if (!request) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('bad client or redirect_uri');
        return;
      }
      const iss: Record<string, string> = options.authorizationResponseIss ? { iss: issuer } : {};
      if (double.deny) {
        request.sendBack(res, { ...iss, ...(options.denial ?? { error: 'access_denied' }) });
        return;
      }
      const nonce = params.get('nonce');
      const challenge = params.get('code_challenge');
      const code = server.issueCode(randomBytes(12).toString('base64url'), {
        redirectUri: request.redirectUri,
        sub: double.sub,
        ...(nonce ? { nonce } : {}),
        ...(challenge ? { challenge } : {}),
      });
      request.sendBack(res, { ...iss, code });
      return;
    }
    if (path.endsWith(paths.token) && recorded.method === 'POST') {
      if (faulted('token', res)) return;
      if (options.refuseCodeVerifier && params.has('code_verifier')) {
        sendJson(res, 401, { error: 'invalid_client', error_description: 'Client authentication failed' });
        return;
      }
      const grant = server.redeem(params.get('code'));
      if (
        !grant ||
        params.get('client_secret') !== double.clientSecret ||
        params.get('redirect_uri') !== grant.redirectUri ||
        (grant.challenge && !pkceMatches(grant.challenge, params.get('code_verifier')))
      ) {
        sendJson(res, 400, { error: 'invalid_grant' });
        return;
      }
      sendJson(res, 200, {
        access_token: server.issueToken(randomBytes(24).toString('base64url'), grant.sub),
        token_type: 'Bearer',
        expires_in: 300,
        id_token: await idToken(grant),
        ...options.tokenResponse,
      });
      return;
    }
    if (path.endsWith(paths.userinfo)) {
      await slowed('userinfo');
      if (faulted('userinfo', res)) return;
      const sub = server.bearer(req);
      if (!sub) {
        sendJson(res, 401, { error: 'invalid_token' });
        return;
      }
      const body = options.userinfo?.(sub) ?? { name: 'Double User', email: 'double@example.com' };
      sendJson(res, 200, { ...body, sub: double.userinfoSub ?? sub });
      return;
    }
    sendJson(res, 404, { error: 'not_found' });
  }

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
