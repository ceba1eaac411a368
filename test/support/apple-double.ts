import { createHash, generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeProtectedHeader, exportJWK, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { readBody, sendJson } from './double-http.js';
import { formPostPage } from './form-post.js';
import { listenOnFreePort } from './gateway.js';

interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** The decoded form body (POST) or query (GET). */
  params: URLSearchParams;
}

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
  const { server, url } = await listenOnFreePort();
  const port = new URL(url).port;
  const client = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const signing = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingKid = 'YuyXoY';
  const jwk = { ...(await exportJWK(signing.publicKey)), kid: signingKid, use: 'sig', alg: 'RS256' };
  const codes = new Map<
    string,
    { redirectUri: string; sub: string; nonce?: string; challenge?: string; account: AppleAccount }
  >();
  let redirectUris: string[] = [];

  const double: AppleDouble = {
    url,
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
    requests: [],
    to: (path) => double.requests.filter((request) => request.path === path),
    secrets: [],
    register(...uris) {
      redirectUris = uris;
    },
    reset() {
      double.account = appleAccount();
      double.authorized.clear();
      double.deny = false;
      double.extraFields = {};
      double.clientKey = client.publicKey;
      double.requests.length = 0;
      double.secrets.length = 0;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
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

  async function idToken(grant: { sub: string; nonce?: string; account: AppleAccount }): Promise<string> {
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
    const redirectUri = params.get('redirect_uri') ?? '';
    if (params.get('client_id') !== double.clientId) {
      json(res, 400, { error: 'invalid_client' });
      return;
    }
    const scoped = (params.get('scope') ?? '').trim() !== '';
    if (
      !redirectUris.includes(redirectUri) ||
      params.get('response_type') !== 'code' ||
      (scoped && params.get('response_mode') !== 'form_post')
    ) {
      json(res, 400, { error: 'invalid_request' });
      return;
    }
    const state = params.get('state');
    const fields: Record<string, string> = state ? { state } : {};
    if (double.deny) {
      fields.error = 'user_cancelled_authorize';
    } else {
      const account = { ...double.account };
      const code = `c${randomBytes(16).toString('hex')}.0.mrxz.${randomBytes(12).toString('base64url')}`;
      codes.set(code, {
        redirectUri,
        sub: account.sub,
        account,
        ...(params.get('nonce') ? { nonce: params.get('nonce') as string } : {}),
        ...(params.get('code_challenge') ? { challenge: params.get('code_challenge') as string } : {}),
      });
      fields.code = code;
      if (!double.authorized.has(account.sub)) {
        double.authorized.add(account.sub);
        fields.user = JSON.stringify({
          name: { firstName: account.firstName, lastName: account.lastName },
          email: account.email,
        });
      }
    }
    Object.assign(fields, double.extraFields);
    res
      .writeHead(200, { 'content-type': 'text/html;charset=UTF-8' })
      .end(formPostPage(redirectUri, fields, 'Sign in with Apple'));
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
    const grant = codes.get(params.get('code') ?? '');
    codes.delete(params.get('code') ?? '');
    const verifier = params.get('code_verifier') ?? '';
    if (
      !grant ||
      params.get('redirect_uri') !== grant.redirectUri ||
      (grant.challenge !== undefined &&
        createHash('sha256').update(verifier).digest('base64url') !== grant.challenge)
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

  server.on('request', async (req: IncomingMessage, res: ServerResponse) => {
    const target = new URL(req.url ?? '/', url);
    const body = req.method === 'POST' ? await readBody(req) : '';
    const params = req.method === 'POST' ? new URLSearchParams(body) : target.searchParams;
    double.requests.push({ method: req.method ?? '', path: target.pathname, headers: req.headers, params });
    try {
      if (target.pathname === '/auth/authorize' && req.method === 'GET') authorize(params, res);
      else if (target.pathname === '/auth/token' && req.method === 'POST') await token(params, res);
      else if (target.pathname === '/auth/keys' && req.method === 'GET') json(res, 200, { keys: [jwk] });
      else res.writeHead(404, { 'content-type': 'text/html' }).end('<!DOCTYPE html><h1>Not Found</h1>');
    } catch (error) {
      if (!res.headersSent) json(res, 500, { error: String(error) });
    }
  });

  return double;
}
