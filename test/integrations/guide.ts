/**
 * What the integration guides' tests share: the Byline site block a guide gives (parsed out of the
 * guide, so the page cannot drift from what is tested), a gateway started with it, and the requests a
 * server-side relying party makes and the checks it applies, each written out by the test that replays
 * one RP (none of the RPs is a library we can run here).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';
import { parse } from 'yaml';
import type { Browser, Hop } from '../support/browser.js';
import { startGateway, type TestGateway } from '../support/gateway.js';

const guides = new URL('../../docs/integrations/', import.meta.url);

/** The one site of a guide's block, as the admin would paste it into Byline's config. */
interface GuideSite {
  id: string;
  /** As written, `secret` still naming its variable (`${VAR}`); the gateway's env gives it a value. */
  site: Record<string, unknown> & { redirectUris: string[]; postLogoutRedirectUris?: string[] };
  /** The value the test gives the secret's variable: 64 hex digits, as `openssl rand -hex 32` makes. */
  secret: string;
  env: Record<string, string>;
}

/**
 * The site block of `docs/integrations/<page>.md`: its first fenced yaml block with a top-level
 * `sites:` holding exactly one site whose secret is `${VAR}`.
 */
export function guideSite(page: string): GuideSite {
  const text = readFileSync(new URL(`${page}.md`, guides), 'utf8');
  const block = [...text.matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map((match) => parse(match[1] as string) as { sites?: Record<string, GuideSite['site']> })
    .find((parsed) => parsed?.sites !== undefined);
  assert.ok(block?.sites, `${page}.md has a yaml block with sites:`);
  const entries = Object.entries(block.sites);
  assert.equal(entries.length, 1, `${page}.md's block registers one site`);
  const [id, site] = entries[0] as [string, GuideSite['site']];
  const variable = /^\$\{([A-Z0-9_]+)\}$/.exec(String(site.secret))?.[1];
  assert.ok(variable, `${page}.md's site takes its secret from a variable (secret: \${VAR})`);
  const secret = randomBytes(32).toString('hex');
  return { id, site, secret, env: { [variable]: secret } };
}

/** Byline with the guide's site block (and the dev provider), the secret in its environment. */
export function startGuideGateway(guide: GuideSite): Promise<TestGateway> {
  return startGateway({ config: { sites: { [guide.id]: guide.site } }, env: guide.env });
}

/** The discovery document, as an RP fetches it from `<issuer>/.well-known/openid-configuration`. */
export async function discover(gateway: TestGateway): Promise<Record<string, unknown>> {
  const response = await fetch(new URL('/.well-known/openid-configuration', gateway.url));
  assert.equal(response.status, 200);
  return (await response.json()) as Record<string, unknown>;
}

/** The discovery document's value for `key`, which the RP needs as a non-empty string. */
export function endpoint(metadata: Record<string, unknown>, key: string): string {
  const value = metadata[key];
  assert.ok(typeof value === 'string' && value.length > 0, `discovery has ${key}`);
  return value;
}

/** What the RP's callback received: the redirect's query, asserted to carry a code. */
export function callbackParams(callback: string, redirectUri: string): URLSearchParams {
  assert.ok(callback.startsWith(redirectUri), `Byline redirects to ${redirectUri}: ${callback}`);
  const params = new URL(callback).searchParams;
  assert.equal(params.get('error'), null, `no error at the callback: ${params.get('error_description')}`);
  assert.ok(params.get('code'), 'a code at the callback');
  return params;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** A form POST to one of Byline's endpoints (the URL from discovery or typed into the RP's settings). */
export async function postForm(
  url: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** `GET` the userinfo endpoint with the access token as Bearer (OpenID Connect Core §5.3.1). */
export async function getUserinfo(url: string, accessToken: string): Promise<Answer> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${accessToken}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** HTTP Basic of id:secret without form-encoding them first (Ruby's oauth2 gem, RFC 7617 only). */
export function plainBasic(id: string, secret: string): { authorization: string } {
  return { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` };
}

/**
 * The ID token verified as a library that checks everything would (signature against the JWKS the
 * discovery document names, `iss`, `aud`, `exp`, `nbf`, `iat` within jose's defaults), and `nonce` equal
 * to `expected.nonce` when the RP sent one. Returns the claims.
 */
export async function verifiedIdToken(
  metadata: Record<string, unknown>,
  idToken: unknown,
  expected: { audience: string; nonce?: string },
): Promise<JWTPayload> {
  assert.equal(typeof idToken, 'string', 'the token response carries id_token');
  const jwks = createRemoteJWKSet(new URL(endpoint(metadata, 'jwks_uri')));
  const { payload } = await jwtVerify(idToken as string, jwks, {
    issuer: endpoint(metadata, 'issuer'),
    audience: expected.audience,
  });
  const now = Math.floor(Date.now() / 1000);
  assert.ok(typeof payload.exp === 'number' && payload.exp > now, 'exp is in the future');
  if (payload.nbf !== undefined) assert.ok(payload.nbf <= now, 'nbf is not in the future');
  if (expected.nonce !== undefined) assert.equal(payload.nonce, expected.nonce, 'the nonce is echoed');
  return payload;
}

/** The ID token's payload read as PHP's plugins read it: base64 of the middle part, no verification. */
export function decodedPayload(idToken: string): Record<string, unknown> {
  const part = idToken.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(part.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString()) as Record<
    string,
    unknown
  >;
}

/**
 * An RP-initiated logout in the reader's browser: `url` (the end-session URL the RP built) answers
 * Byline's confirmation page, whose form the reader's click posts. Returns that POST's answer.
 */
export async function confirmLogout(gateway: TestGateway, browser: Browser, url: string): Promise<Hop> {
  const page = await browser.request(url);
  assert.equal(page.response.status, 200, page.body.slice(0, 500));
  const fields: Record<string, string> = {};
  for (const match of page.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    fields[match[1] as string] = (match[2] as string)
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  return browser.request(`${gateway.url}/logout`, {
    method: 'POST',
    body: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
  });
}
