// A tiny real token issuer for tests: discovery + JWKS over HTTP on 127.0.0.1, keys made by jose,
// and a signer for Byline-shaped commenter tokens (typ at+jwt, claims as in DESIGN.md).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { base64url, CompactSign, calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';

export type KeyAlgorithm = 'ES256' | 'EdDSA' | 'RS256';

interface TestKey {
  kid: string;
  alg: KeyAlgorithm;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

type Endpoint = 'discovery' | 'jwks';
/** How a broken endpoint answers: an HTTP error status, or never. */
type Failure = number | 'hang';

interface SignOptions {
  /** Merged over `{ alg, kid, typ: 'at+jwt' }`; a value of `undefined` removes that header. */
  header?: Record<string, unknown>;
  /** The signing key: a test key (default: the current one) or raw bytes for an HMAC `alg`. */
  key?: TestKey | Uint8Array;
}

export interface TestIssuer {
  /** The issuer identifier (`iss`), e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly jwksUrl: string;
  /** Requests received so far, by endpoint. */
  readonly requests: { discovery: number; jwks: number; total: number };
  /** The key that `sign` uses by default. */
  readonly currentKey: TestKey;
  /** Extra members merged over the discovery document (e.g. another `issuer`). */
  discoveryOverrides: Record<string, unknown>;
  /** A new key, published in the JWKS unless `publish: false` (to play an unknown kid). */
  createKey(alg?: KeyAlgorithm, options?: { publish?: boolean }): Promise<TestKey>;
  /** Publishes a new key and signs with it from now on; the old key stays published. */
  rotate(alg?: KeyAlgorithm): Promise<TestKey>;
  fail(endpoint: Endpoint | 'all', how?: Failure): void;
  recover(): void;
  /** Byline commenter claims with these overrides; `undefined` removes a claim. */
  claims(overrides?: Record<string, unknown>): Record<string, unknown>;
  sign(claims?: Record<string, unknown>, options?: SignOptions): Promise<string>;
  close(): Promise<void>;
}

const DISCOVERY_PATH = '/.well-known/openid-configuration';
const JWKS_PATH = '/.well-known/jwks.json';

async function newKey(alg: KeyAlgorithm = 'ES256'): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  return { kid: await calculateJwkThumbprint(publicJwk), alg, privateKey, publicJwk };
}

export async function startTestIssuer(
  options: { alg?: KeyAlgorithm; site?: string } = {},
): Promise<TestIssuer> {
  const site = options.site ?? 'blog';
  let currentKey = await newKey(options.alg);
  const published: TestKey[] = [currentKey];
  const failing = new Map<Endpoint, Failure>();
  const requests = { discovery: 0, jwks: 0, total: 0 };
  let url = '';

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests.total++;
    const endpoint = req.url === DISCOVERY_PATH ? 'discovery' : req.url === JWKS_PATH ? 'jwks' : undefined;
    if (endpoint === undefined) return json(res, 404, { error: 'not_found' });
    requests[endpoint]++;
    const failure = failing.get(endpoint);
    if (failure === 'hang') return; // held open until close() drops the connection
    if (failure !== undefined) return json(res, failure, { error: 'server_error' });
    if (endpoint === 'jwks') {
      const keys = published.map((k) => ({ ...k.publicJwk, kid: k.kid, alg: k.alg, use: 'sig' }));
      return json(res, 200, { keys });
    }
    json(res, 200, {
      issuer: url,
      jwks_uri: url + JWKS_PATH,
      token_endpoint: `${url}/token`,
      id_token_signing_alg_values_supported: ['ES256', 'EdDSA', 'RS256'],
      ...issuer.discoveryOverrides,
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const issuer: TestIssuer = {
    url,
    jwksUrl: url + JWKS_PATH,
    requests,
    get currentKey() {
      return currentKey;
    },
    discoveryOverrides: {},
    async createKey(alg = 'ES256', { publish = true } = {}) {
      const key = await newKey(alg);
      if (publish) published.push(key);
      return key;
    },
    async rotate(alg = 'ES256') {
      currentKey = await issuer.createKey(alg);
      return currentKey;
    },
    fail(endpoint, how = 500) {
      for (const e of endpoint === 'all' ? (['discovery', 'jwks'] as const) : [endpoint]) failing.set(e, how);
    },
    recover() {
      failing.clear();
    },
    claims(overrides = {}) {
      const now = Math.floor(Date.now() / 1000);
      const claims: Record<string, unknown> = {
        iss: url,
        sub: 'wordpress:1234',
        aud: site,
        client_id: site,
        iat: now,
        exp: now + 600,
        jti: randomUUID(),
        sid: `sid-${randomUUID()}`,
        idp: 'wordpress',
        name: 'Ada Lovelace',
        picture: 'https://gravatar.com/avatar/abc?d=identicon',
        website: 'https://ada.example',
        email: 'ada@example.com',
        email_verified: true,
        ...overrides,
      };
      for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
      return claims;
    },
    async sign(claims = issuer.claims(), { header = {}, key = currentKey } = {}) {
      const base = key instanceof Uint8Array ? { alg: 'HS256' } : { alg: key.alg, kid: key.kid };
      const protectedHeader = { ...base, typ: 'at+jwt', ...header };
      const payload = new TextEncoder().encode(JSON.stringify(claims));
      if (protectedHeader.alg === 'none') {
        const encode = (value: unknown) => base64url.encode(JSON.stringify(value));
        return `${encode(protectedHeader)}.${base64url.encode(payload)}.`;
      }
      // jose expects alg to be a string; the overrides are allowed to break everything else.
      const jose = new CompactSign(payload).setProtectedHeader(protectedHeader as { alg: string });
      return jose.sign(key instanceof Uint8Array ? key : key.privateKey);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
  return issuer;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'max-age=600' });
  res.end(JSON.stringify(body));
}
