// Code exchange at POST /token (RFC 9700 §4.5, §2.1.1; OAuth 2.1 §4.1.3): single use, bound to the
// site, the redirect_uri and the PKCE verifier, 60 s; client authentication that fails is 401.
// Basic happy paths and some of these attacks are also in test/oauth/token.test.ts.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { codeGrant, devCode, redeem } from '../support/flow.js';
import { testSite } from '../support/gateway.js';
import { type ObservedGateway, startObservedGateway } from '../support/security.js';
import { changedKeys } from '../support/store-snapshot.js';
import { basicAuth, userinfoStatus } from '../support/tokens.js';

let gateway: ObservedGateway;
before(async () => {
  gateway = await startObservedGateway({
    config: {
      sites: {
        blog: testSite,
        other: { origins: ['https://other.example'], redirectUris: ['https://other.example/callback'] },
      },
      rateLimits: {
        authorize: { points: 100_000, window: '1m' },
        clientAuthFailures: { points: 100_000, window: '1m' },
      },
    },
  });
});
after(() => gateway.close());

const redirectUri = 'https://blog.example/callback';

/** Refresh families and refresh tokens: what a refused exchange must never create. */
const tokenKeys = /^(rf|rt):/;

interface Attack {
  name: string;
  /** The request fields and headers, given a fresh code and its verifier. */
  send(code: string, verifier: string): { fields: Record<string, string>; headers?: Record<string, string> };
  status: number;
  error: string;
  /** Whether the legitimate redemption still works afterwards (the attack did not burn the code). */
  codeSurvives: boolean;
}

const attacks: Attack[] = [
  {
    name: 'a wrong PKCE verifier',
    send: (code) => ({ fields: codeGrant(code, 'x'.repeat(43)) }),
    status: 400,
    error: 'invalid_grant',
    codeSurvives: false,
  },
  {
    name: 'no PKCE verifier',
    send: (code) => {
      const { code_verifier: _, ...fields } = codeGrant(code, '');
      return { fields };
    },
    status: 400,
    error: 'invalid_grant',
    codeSurvives: false,
  },
  {
    name: 'the challenge sent as the verifier (plain downgrade)',
    send: (code, verifier) => ({
      fields: codeGrant(code, createHash('sha256').update(verifier).digest('base64url')),
    }),
    status: 400,
    error: 'invalid_grant',
    codeSurvives: false,
  },
  {
    name: 'a wrong redirect_uri',
    send: (code, verifier) => ({
      fields: codeGrant(code, verifier, { redirect_uri: 'https://blog.example/other' }),
    }),
    status: 400,
    error: 'invalid_grant',
    codeSurvives: false,
  },
  {
    name: 'no redirect_uri',
    send: (code, verifier) => {
      const { redirect_uri: _, ...fields } = codeGrant(code, verifier);
      return { fields };
    },
    status: 400,
    error: 'invalid_request',
    codeSurvives: true,
  },
  {
    name: 'another site redeeming the code (which burns it)',
    send: (code, verifier) => ({
      fields: codeGrant(code, verifier, {
        client_id: 'other',
        redirect_uri: 'https://other.example/callback',
      }),
    }),
    status: 400,
    error: 'invalid_grant',
    codeSurvives: false,
  },
  {
    name: 'a wrong client secret (post)',
    send: (code, verifier) => ({
      fields: codeGrant(code, verifier, { client_secret: 'wrong-secret-0123456789' }),
    }),
    status: 401,
    error: 'invalid_client',
    codeSurvives: true,
  },
  {
    name: 'a wrong client secret (basic)',
    send: (code, verifier) => {
      const { client_id: _, ...fields } = codeGrant(code, verifier);
      return { fields, headers: basicAuth('blog', 'wrong-secret-0123456789') };
    },
    status: 401,
    error: 'invalid_client',
    codeSurvives: true,
  },
  {
    name: 'an empty Basic secret',
    send: (code, verifier) => {
      const { client_id: _, ...fields } = codeGrant(code, verifier);
      return { fields, headers: basicAuth('blog', '') };
    },
    status: 401,
    error: 'invalid_client',
    codeSurvives: true,
  },
  {
    name: 'a secret for a site that has none',
    send: (code, verifier) => ({
      fields: codeGrant(code, verifier, { client_id: 'other', client_secret: 'made-up-secret-0123456789' }),
    }),
    status: 401,
    error: 'invalid_client',
    codeSurvives: true,
  },
  {
    name: 'no client_id at all',
    send: (code, verifier) => {
      const { client_id: _, ...fields } = codeGrant(code, verifier);
      return { fields };
    },
    status: 401,
    error: 'invalid_client',
    codeSurvives: true,
  },
  {
    name: 'an unknown client_id',
    send: (code, verifier) => ({ fields: codeGrant(code, verifier, { client_id: 'evil' }) }),
    status: 401,
    error: 'invalid_client',
    codeSurvives: true,
  },
  {
    name: 'a Basic user that differs from client_id',
    send: (code, verifier) => ({
      fields: codeGrant(code, verifier),
      headers: basicAuth('other', 'x'.repeat(20)),
    }),
    status: 401,
    error: 'invalid_client',
    codeSurvives: true,
  },
  {
    name: 'two client authentication methods',
    send: (code, verifier) => ({
      fields: codeGrant(code, verifier, { client_secret: testSite.secret }),
      headers: basicAuth('blog', testSite.secret),
    }),
    status: 400,
    error: 'invalid_request',
    codeSurvives: true,
  },
  ...[
    'password',
    'client_credentials',
    'implicit',
    'urn:ietf:params:oauth:grant-type:jwt-bearer',
    'token',
  ].map(
    (grantType): Attack => ({
      name: `grant_type=${grantType}`,
      send: (code, verifier) => ({ fields: codeGrant(code, verifier, { grant_type: grantType }) }),
      status: 400,
      error: 'unsupported_grant_type',
      codeSurvives: true,
    }),
  ),
];

describe('POST /token refuses every tampered code exchange and issues nothing', () => {
  for (const attack of attacks) {
    test(`${attack.name} → ${attack.status} ${attack.error}`, async () => {
      const { code, verifier } = await devCode(gateway);
      const before = await gateway.store.snapshot();
      const { fields, headers } = attack.send(code, verifier);
      const { status, body, headers: answered } = await redeem(gateway, fields, headers);
      assert.equal(status, attack.status);
      assert.equal(body.error, attack.error);
      assert.equal(body.access_token, undefined);
      assert.equal(answered.get('cache-control'), 'no-store');
      const after = await gateway.store.snapshot();
      assert.deepEqual(
        changedKeys(before, after).filter((key) => tokenKeys.test(key) && after.has(key)),
        [],
        'no refresh family was created',
      );
      const legitimate = await redeem(gateway, codeGrant(code, verifier));
      assert.equal(legitimate.status, attack.codeSurvives ? 200 : 400, 'the code’s fate afterwards');
    });
  }

  for (const [name, shape] of [
    ['an array-typed code (code[]=)', (code: string) => `code[]=${code}`],
    ['a repeated code', (code: string) => `code=${code}&code=${code}`],
  ] as const) {
    test(`${name} is invalid_request`, async () => {
      const { code, verifier } = await devCode(gateway);
      const fields = new URLSearchParams({
        grant_type: 'authorization_code',
        redirect_uri: redirectUri,
        code_verifier: verifier,
        client_id: 'blog',
      });
      const response = await fetch(`${gateway.url}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `${fields}&${shape(code)}`,
      });
      assert.equal(response.status, 400);
      assert.equal(((await response.json()) as { error: string }).error, 'invalid_request');
    });
  }

  test('an expired code (61 s) is invalid_grant', async () => {
    const { code, verifier } = await devCode(gateway);
    gateway.clock.advance(61_000);
    try {
      const { status, body } = await redeem(gateway, codeGrant(code, verifier));
      assert.equal(status, 400);
      assert.equal(body.error, 'invalid_grant');
    } finally {
      gateway.clock.advance(-61_000);
    }
  });

  test('a made-up code is invalid_grant and changes nothing', async () => {
    const before = await gateway.store.snapshot();
    const { status, body } = await redeem(gateway, codeGrant('A'.repeat(43), 'B'.repeat(43)));
    assert.equal(status, 400);
    assert.equal(body.error, 'invalid_grant');
    assert.deepEqual(changedKeys(before, await gateway.store.snapshot()), []);
  });
});

describe('single use', () => {
  test('a replayed code is invalid_grant and ends the login the first redemption started', async () => {
    const { code, verifier } = await devCode(gateway);
    const first = await redeem(gateway, codeGrant(code, verifier));
    assert.equal(first.status, 200);
    assert.equal(await userinfoStatus(gateway, first.body.access_token as string), 200);
    const replay = await redeem(gateway, codeGrant(code, verifier));
    assert.equal(replay.status, 400);
    assert.equal(replay.body.error, 'invalid_grant');
    assert.equal(
      await userinfoStatus(gateway, first.body.access_token as string),
      401,
      'the stolen-code login is over',
    );
  });

  test('of 50 concurrent redemptions exactly one succeeds, none fails with 5xx', async () => {
    const { code, verifier } = await devCode(gateway);
    const results = await Promise.all(
      Array.from({ length: 50 }, () => redeem(gateway, codeGrant(code, verifier))),
    );
    const statuses = results.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 200).length, 1);
    assert.equal(statuses.filter((s) => s === 400).length, 49);
    for (const r of results) if (r.status === 400) assert.equal(r.body.error, 'invalid_grant');
  });
});
