import { generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { decodeProtectedHeader, exportJWK, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { pkceMatches, type RecordedRequest, routeTable, sendHtml, sendJson } from './double-http.js';
import { startOAuth2Server } from './oauth2-server-double.js';

/** Apple sends its boolean claims as booleans or as the strings "true" and "false". */
type AppleBoolean = boolean | 'true' | 'false';

/** The Apple Account that logs in next. */
export interface AppleAccount {
  /** Apple's user identifier: stable, unique for the developer team. */
  sub: string;
  email: string;
  emailVerified: AppleBoolean;
  isPrivateEmail: AppleBoolean;
  firstName: string;
  lastName: string;
}

export function appleAccount(overrides: Partial<AppleAccount> = {}): AppleAccount {
  return {
    sub: '001234.5f1c2b7d9e8a4c3b.0712',
    email: 'ada@example.com',
    emailVerified: 'true',
    isPrivateEmail: 'false',
    firstName: 'Ada',
    lastName: 'Lovelace',
    ...overrides,
  };
}

export interface AppleDouble {
  /** http://127.0.0.1:<port> */
  url: string;
  /** The Services ID. */
  clientId: string;
  teamId: string;
  keyId: string;
  /** The Sign in with Apple private key, as its .p8 file holds it (PKCS #8 PEM). */
  privateKey: string;
  /** The public half the token endpoint checks client secrets with (replace it to refuse them). */
  clientKey: KeyObject;
  /** Byline's `endpoints` block; the authorization endpoint on `host` (a browser's other site). */
  endpoints(host?: string): { authorization: string; token: string; jwks: string };
  account: AppleAccount;
  /** Subjects that have authorized the Services ID: Apple posts `user` on the first authorization only. */
  authorized: Set<string>;
  /** The reader presses Cancel on Apple's page. */
  deny: boolean;
  /** Fields the authorization page posts besides Apple's (a forged `user`, say). */
  extraFields: Record<string, string>;
  requests: RecordedRequest[];
  to(path: string): RecordedRequest[];
  /** The client secrets the token endpoint received, as sent, and what it answered for each. */
  secrets: { secret: string; answer: 'accepted' | 'invalid_client' }[];
  register(...redirectUris: string[]): void;
  reset(): void;
  close(): Promise<void>;
}

/** Apple's token endpoint answers JSON with no-store, errors as 400 `{"error": "…"}`. */
function json(res: ServerResponse, status: number, body: unknown): void {
  sendJson(res, status, body, 'application/json;charset=UTF-8', {
    'cache-control': 'no-store',
    pragma: 'no-cache',
  });
}

/** What a code stands for. */
interface Grant {
  redirectUri: string;
  sub: string;
  nonce?: string;
  challenge?: string;
  account: AppleAccount;
}

/** Apple limits a client secret to six months. */
const maxSecretLifetime = 15_777_000;

/**
 * Sign in with Apple on 127.0.0.1:0, as Apple documents it: `/auth/authorize` refuses a request for
 * scopes without response_mode=form_post (400 `{"error":"invalid_request"}`) and answers with a page that
 * posts `code`, `state` and, on the first authorization only, `user` (JSON name and email) to the
 * redirect URI, or `error=user_cancelled_authorize` when the reader cancels; `/auth/token` takes the
 * client secret as a POST parameter only and checks it as Apple does (an ES256 JWT from the .p8 key:
 * `kid`, `iss` the team, `sub` the Services ID, `aud` https://appleid.apple.com, unexpired, at most six
 * months), answering 400 `invalid_client` otherwise; its ID tokens are RS256, keyed in `/auth/keys`,
 * with `email_verified` and `is_private_email` as the account spells them.
 */
export async function startAppleDouble(): Promise<AppleDouble> {
  const client = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const signing = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingKid = 'YuyXoY';
  const jwk = { ...(await exportJWK(signing.publicKey)), kid: signingKid, use: 'sig', alg: 'RS256' };
  const server = await startOAuth2Server<Grant>(
    routeTable(
      {
        'GET /auth/authorize': (_req, recorded, res) => authorize(recorded.params, res),
        'POST /auth/token': (_req, recorded, res) => {
          token(recorded.params, res).catch((error: unknown) => {
            if (!res.headersSent) json(res, 500, { error: String(error) });
          });
        },
        'GET /auth/keys': (_req, _recorded, res) => json(res, 200, { keys: [jwk] }),
      },
      (res) => sendHtml(res, 404, '<!DOCTYPE html><h1>Not Found</h1>'),
    ),
  );
  const { url } = server.plumbing;
  const port = new URL(url).port;

  const double: AppleDouble = {
    ...server.plumbing,
    clientId: 'com.example.blog.login',
    teamId: 'TEAM123456',
    keyId: 'KEY7890ABC',
    privateKey: client.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    clientKey: client.publicKey,
    endpoints: (host = '127.0.0.1') => ({
      authorization: `http://${host}:${port}/auth/authorize`,
      token: `${url}/auth/token`,
      jwks: `${url}/auth/keys`,
    }),
    account: appleAccount(),
    authorized: new Set(),
    deny: false,
    extraFields: {},
    secrets: [],
    reset() {
      double.account = appleAccount();
      double.authorized.clear();
      double.deny = false;
      double.extraFields = {};
      double.clientKey = client.publicKey;
      double.requests.length = 0;
      double.secrets.length = 0;
    },
  };

  /** Apple's checks of a client secret; the reason it is refused, or undefined. */
  async function refusal(secret: string): Promise<string | undefined> {
    try {
      const header = decodeProtectedHeader(secret);
      if (header.alg !== 'ES256' || header.kid !== double.keyId) return 'header';
      const { payload } = await jwtVerify(secret, double.clientKey, {
        algorithms: ['ES256'],
        issuer: double.teamId,
        subject: double.clientId,
        audience: 'https://appleid.apple.com',
        requiredClaims: ['iat', 'exp'],
      });
      const { iat = 0, exp = 0 } = payload as JWTPayload;
      return exp - iat > maxSecretLifetime ? 'lifetime' : undefined;
    } catch {
      return 'signature or claims';
    }
  }

  async function idToken(grant: Grant): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const { account } = grant;
    return new SignJWT({
      email: account.email,
      email_verified: account.emailVerified,
      is_private_email: account.isPrivateEmail,
      auth_time: now - 5,
      nonce_supported: true,
      ...(grant.nonce ? { nonce: grant.nonce } : {}),
    })
      .setProtectedHeader({ alg: 'RS256', kid: signingKid })
      .setIssuer('https://appleid.apple.com')
      .setAudience(double.clientId)
      .setSubject(grant.sub)
      .setIssuedAt(now)
      .setExpirationTime(now + 86_400)
      .sign(signing.privateKey);
  }

  function authorize(params: URLSearchParams, res: ServerResponse): void {
    if (params.get('client_id') !== double.clientId) {
      json(res, 400, { error: 'invalid_client' });
      return;
    }
    const request = server.authorization(params, double.clientId);
    const scoped = (params.get('scope') ?? '').trim() !== '';
    if (
      !request ||
      params.get('response_type') !== 'code' ||
      (scoped && params.get('response_mode') !== 'form_post')
    ) {
      json(res, 400, { error: 'invalid_request' });
      return;
    }
    const fields: Record<string, string> = {};
    if (double.deny) {
      fields.error = 'user_cancelled_authorize';
    } else {
      const account = { ...double.account };
      const nonce = params.get('nonce');
      const challenge = params.get('code_challenge');
      fields.code = server.issueCode(
        `c${randomBytes(16).toString('hex')}.0.mrxz.${randomBytes(12).toString('base64url')}`,
        {
          redirectUri: request.redirectUri,
          sub: account.sub,
          account,
          ...(nonce ? { nonce } : {}),
          ...(challenge ? { challenge } : {}),
        },
      );
      if (!double.authorized.has(account.sub)) {
        double.authorized.add(account.sub);
        fields.user = JSON.stringify({
          name: { firstName: account.firstName, lastName: account.lastName },
          email: account.email,
        });
      }
    }
    request.postBack(res, { ...fields, ...double.extraFields }, 'Sign in with Apple');
  }

  async function token(params: URLSearchParams, res: ServerResponse): Promise<void> {
    const secret = params.get('client_secret');
    if (params.get('client_id') !== double.clientId || !secret) {
      json(res, 400, { error: 'invalid_client' });
      return;
    }
    const refused = await refusal(secret);
    double.secrets.push({ secret, answer: refused ? 'invalid_client' : 'accepted' });
    if (refused) {
      json(res, 400, { error: 'invalid_client' });
      return;
    }
    if (params.get('grant_type') !== 'authorization_code') {
      json(res, 400, { error: 'unsupported_grant_type' });
      return;
    }
    const grant = server.redeem(params.get('code'));
    if (
      !grant ||
      params.get('redirect_uri') !== grant.redirectUri ||
      (grant.challenge !== undefined && !pkceMatches(grant.challenge, params.get('code_verifier')))
    ) {
      json(res, 400, { error: 'invalid_grant' });
      return;
    }
    json(res, 200, {
      access_token: `a${randomBytes(16).toString('hex')}.0.mrxz.${randomBytes(12).toString('base64url')}`,
      token_type: 'Bearer',
      expires_in: 3600,
      refresh_token: `r${randomBytes(16).toString('hex')}.0.mrxz.${randomBytes(12).toString('base64url')}`,
      id_token: await idToken(grant),
    });
  }

  return double;
}
