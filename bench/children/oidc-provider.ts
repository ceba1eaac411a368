// oidc-provider 8, configured like Byline's confidential OpenID site, for the code-exchange and refresh
// rows: one client (client_secret_basic, PKCE S256 required), ES256 ID tokens and ES256 JWT access
// tokens, rotating refresh tokens, scope `openid offline_access`, everything in memory.
//
// Authorization codes are made through oidc-provider's own models (a Grant, then AuthorizationCode
// .save(), what its interaction flow ends with) when the runner asks, outside the measured window:
// codes are single use, and the interactive login and consent are not what the rows measure.
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Adapter, type AdapterPayload } from 'oidc-provider';
import { exitWithParent, onMessage, ready } from './ipc.js';

/** The relying party (bench/lib/oidc.ts's oidcSite), from the runner. */
const site = JSON.parse(process.env.BENCH_OIDC_SITE ?? '{}') as {
  id: string;
  secret: string;
  redirectUri: string;
};
/** The resource server the access tokens are for: how oidc-provider 8 issues JWT access tokens. */
const resource = 'urn:byline-bench:api';

/**
 * A Map with expiry. oidc-provider's own MemoryAdapter is an LRU of 1,000 entries, which a benchmark
 * that makes thousands of codes and rotates thousands of refresh tokens would evict from mid-run.
 * Otherwise the same semantics, including the grant index that revocation uses.
 */
const storage = new Map<string, { payload: AdapterPayload | string[]; expires: number }>();
const grantable = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken']);
const live = (key: string) => {
  const entry = storage.get(key);
  if (entry && entry.expires <= Date.now()) storage.delete(key);
  else return entry?.payload;
  return undefined;
};
// Expired entries are dropped every few seconds, as a TTL store would.
const sweep = setInterval(() => {
  const now = Date.now();
  for (const [key, entry] of storage) if (entry.expires <= now) storage.delete(key);
}, 5000);

class MapAdapter implements Adapter {
  readonly #model: string;
  constructor(model: string) {
    this.#model = model;
  }
  #key(id: string) {
    return `${this.#model}:${id}`;
  }
  async upsert(id: string, payload: AdapterPayload, expiresIn: number) {
    const expires = Date.now() + expiresIn * 1000;
    if (grantable.has(this.#model) && payload.grantId) {
      const index = `grant:${payload.grantId}`;
      const keys = live(index) as string[] | undefined;
      if (keys) keys.push(this.#key(id));
      else storage.set(index, { payload: [this.#key(id)], expires });
    }
    storage.set(this.#key(id), { payload, expires });
  }
  async find(id: string) {
    return live(this.#key(id)) as AdapterPayload | undefined;
  }
  async findByUid(): Promise<undefined> {
    return undefined; // no sessions: the tokens here are not bound to one
  }
  async findByUserCode(): Promise<undefined> {
    return undefined;
  }
  async consume(id: string) {
    const payload = live(this.#key(id)) as AdapterPayload | undefined;
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }
  async destroy(id: string) {
    storage.delete(this.#key(id));
  }
  async revokeByGrantId(grantId: string) {
    const index = `grant:${grantId}`;
    for (const key of (live(index) as string[] | undefined) ?? []) storage.delete(key);
    storage.delete(index);
  }
}

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'bench-es256', alg: 'ES256', use: 'sig' };
const cookieKey = randomBytes(32).toString('base64url');

const provider = new Provider('http://127.0.0.1', {
  adapter: MapAdapter,
  clients: [
    {
      client_id: site.id,
      client_secret: site.secret,
      redirect_uris: [site.redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'ES256',
      // Byline's ID tokens always carry auth_time.
      require_auth_time: true,
    },
  ],
  jwks: { keys: [signingKey] },
  cookies: { keys: [cookieKey] },
  findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
  scopes: ['openid', 'offline_access'],
  rotateRefreshToken: true,
  pkce: { required: () => true, methods: ['S256'] },
  ttl: {
    AccessToken: 600,
    AuthorizationCode: 60,
    Grant: 30 * 86_400,
    IdToken: 600,
    RefreshToken: 30 * 86_400,
  },
  features: {
    devInteractions: { enabled: false },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: 'api',
        audience: site.id,
        accessTokenTTL: 600,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'ES256' } },
      }),
    },
  },
});

const client = await provider.Client.find(site.id);
if (!client) throw new Error('oidc-provider: the bench client did not load');

let readers = 0;
/** One reader's consent (a Grant) and the authorization code its login would end with. */
const makeCode = async (): Promise<{ code: string; verifier: string }> => {
  const accountId = `wordpress:${++readers}`;
  const grant = new provider.Grant({ accountId, clientId: site.id });
  grant.addOIDCScope('openid offline_access');
  grant.addResourceScope(resource, 'api');
  const grantId = await grant.save();
  const verifier = randomBytes(32).toString('base64url');
  const code = await new provider.AuthorizationCode({
    client,
    accountId,
    grantId,
    gty: 'authorization_code',
    redirectUri: site.redirectUri,
    scope: 'openid offline_access api',
    resource,
    authTime: Math.floor(Date.now() / 1000),
    nonce: randomBytes(12).toString('base64url'),
    // A session id as Byline's ID tokens carry one (the tokens are not bound to a live session here).
    sid: randomBytes(16).toString('base64url'),
    codeChallenge: createHash('sha256').update(verifier).digest('base64url'),
    codeChallengeMethod: 'S256',
  }).save();
  return { code, verifier };
};

onMessage((message) => {
  if (message.type !== 'codes') return;
  Promise.all(Array.from({ length: Number(message.count) }, makeCode)).then(
    (codes) => process.send?.({ type: 'codes', codes }),
    (error: unknown) => process.send?.({ type: 'codes', error: String(error) }),
  );
});

const server = createServer(provider.callback());
server.listen(0, '127.0.0.1', () => {
  ready({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
exitWithParent(() => {
  clearInterval(sweep);
  server.closeAllConnections();
  server.close();
});
