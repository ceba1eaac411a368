/**
 * What a site's backend does with codes and tokens: the back-channel calls to /token (code and refresh
 * grants), /revoke, /introspect and /userinfo, each one request answered as JSON. The browser's side of
 * a login, up to the code and the site's redemption of it, is in flow.ts.
 */
import { type Commenter, createVerifier } from 'byline-gateway/verify';
import type { TestGateway } from './gateway.js';

/** A successful token response (a type, not an interface, so that a JSON body casts to it). */
export type Tokens = {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
  id_token?: string;
  scope?: string;
};

/** One answer of a JSON endpoint; `body` is `{}` when the answer has no JSON body. */
export interface JsonAnswer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/**
 * Who calls: a site (`blog`, the test site, by default) and, when given, its secret, sent as
 * client_secret_post. For client_secret_basic, pass `basicAuth(...)` as headers instead.
 */
export interface Client {
  site?: string;
  secret?: string;
}

export function clientFields(client: Client = {}): Record<string, string> {
  return {
    client_id: client.site ?? 'blog',
    ...(client.secret !== undefined ? { client_secret: client.secret } : {}),
  };
}

/** The Authorization header of client_secret_basic (id and secret form-encoded, as RFC 6749 §2.3.1 says). */
export function basicAuth(id: string, secret: string): { authorization: string } {
  const pair = `${encodeURIComponent(id)}:${encodeURIComponent(secret)}`;
  return { authorization: `Basic ${Buffer.from(pair).toString('base64')}` };
}

async function readJson(response: Response): Promise<Record<string, unknown>> {
  const text = await response.text();
  // An empty 200 (/revoke) or an HTML page has no JSON to read; the status says what happened.
  if (!text || !/json/.test(response.headers.get('content-type') ?? '')) return {};
  return JSON.parse(text) as Record<string, unknown>;
}

/** A urlencoded POST to one of the gateway's endpoints; fields whose value is undefined are left out. */
export async function post(
  gateway: TestGateway,
  path: string,
  fields: Record<string, string | undefined>,
  headers: Record<string, string> = {},
): Promise<JsonAnswer> {
  const present = Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined);
  const response = await fetch(new URL(path, gateway.url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(present).toString(),
  });
  return { status: response.status, headers: response.headers, body: await readJson(response) };
}

/** POST /token with these fields (any grant, any client authentication). */
export function redeem(
  gateway: TestGateway,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<JsonAnswer> {
  return post(gateway, '/token', fields, headers);
}

/** The refresh_token grant, as `client` sends it. */
export function refresh(
  gateway: TestGateway,
  refreshToken: string,
  client: Client = {},
): Promise<JsonAnswer> {
  return redeem(gateway, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    ...clientFields(client),
  });
}

/** 200 when the call succeeded, else the OAuth error code it answered (`invalid_grant`, …). */
export function outcome(answer: JsonAnswer): 200 | string {
  return answer.status === 200 ? 200 : (answer.body.error as string);
}

/** POST /revoke with these fields (token, token_type_hint, client authentication: as the test needs). */
export function revoke(
  gateway: TestGateway,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<JsonAnswer> {
  return post(gateway, '/revoke', fields, headers);
}

/** POST /introspect of `token` (left out when undefined) as `client`. */
export function introspect(
  gateway: TestGateway,
  token: string | undefined,
  client: Client = {},
): Promise<JsonAnswer> {
  return post(gateway, '/introspect', { token, ...clientFields(client) });
}

/** GET /userinfo with the access token as Bearer. */
export async function userinfo(gateway: TestGateway, accessToken: string): Promise<JsonAnswer> {
  const response = await fetch(new URL('/userinfo', gateway.url), {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  return { status: response.status, headers: response.headers, body: await readJson(response) };
}

/** Whether /userinfo takes the access token: 200, or 401 once its site session has ended. */
export async function userinfoStatus(gateway: TestGateway, accessToken: string): Promise<number> {
  return (await userinfo(gateway, accessToken)).status;
}

/** The commenter a comment backend sees: the access token verified with the verify SDK, for `audience`. */
export function verifyCommenter(
  gateway: TestGateway,
  accessToken: string,
  audience = 'blog',
): Promise<Commenter> {
  return createVerifier({ issuer: gateway.url, audience }).verify(accessToken);
}
