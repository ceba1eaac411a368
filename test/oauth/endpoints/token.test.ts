import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { ClientAuthGuard } from '../../../src/http/client-auth-guard.js';
import type { Answered } from '../../../src/http/logging.js';
import { type TokenRouteParts, tokenRoute } from '../../../src/oauth/endpoints/token.js';
import type { GatewayContext } from '../../../src/oauth/gateway-context.js';
import { StoreUnavailableError } from '../../../src/store/store.js';
import { callbackUri, codeGrant, devCode, redeem } from '../../support/flow.js';
import { startGateway, type TestGateway, testSite } from '../../support/gateway.js';
import { basicAuth, userinfo, userinfoStatus } from '../../support/tokens.js';

let gateway: TestGateway;
before(async () => {
  gateway = await startGateway({
    config: {
      sites: {
        blog: testSite,
        public: { origins: ['https://public.example'], redirectUris: ['https://public.example/callback'] },
        // A base64 secret, as `openssl rand -base64` makes: `+`, `/` and `=` change under form-encoding.
        forum: {
          trusted: true,
          origins: ['https://forum.example'],
          redirectUris: ['https://forum.example/callback'],
          secret: 'Zm9v+YmFy/base64+secret==',
        },
      },
    },
  });
});
after(() => gateway.close());

const redirectUri = 'https://blog.example/callback';

describe('redeeming a code', () => {
  test('works with client_secret_basic and PKCE', async () => {
    const { code, verifier } = await devCode(gateway);
    const { status } = await redeem(
      gateway,
      { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier },
      basicAuth('blog', testSite.secret),
    );
    assert.equal(status, 200);
  });

  test('works with client_secret_post and PKCE', async () => {
    const { code, verifier } = await devCode(gateway);
    const { status } = await redeem(gateway, codeGrant(code, verifier, { client_secret: testSite.secret }));
    assert.equal(status, 200);
  });

  test('works for a public site with PKCE alone', async () => {
    const { code, verifier } = await devCode(gateway, { site: 'public' });
    const { status, body } = await redeem(
      gateway,
      codeGrant(code, verifier, { client_id: 'public', redirect_uri: callbackUri('public') }),
    );
    assert.equal(status, 200, JSON.stringify(body));
  });

  test('a replayed code is invalid_grant and ends the login the first redemption started', async () => {
    const { code, verifier } = await devCode(gateway);
    const fields = codeGrant(code, verifier);
    const first = await redeem(gateway, fields);
    assert.equal(first.status, 200);
    assert.equal(await userinfoStatus(gateway, first.body.access_token as string), 200);
    const replay = await redeem(gateway, fields);
    assert.equal(replay.status, 400);
    assert.equal(replay.body.error, 'invalid_grant');
    assert.equal(await userinfoStatus(gateway, first.body.access_token as string), 401);
  });

  test('of 50 concurrent redemptions exactly one succeeds', async () => {
    const { code, verifier } = await devCode(gateway);
    const fields = codeGrant(code, verifier);
    const results = await Promise.all(Array.from({ length: 50 }, () => redeem(gateway, fields)));
    assert.equal(results.filter((r) => r.status === 200).length, 1);
    assert.ok(results.every((r) => r.status === 200 || r.body.error === 'invalid_grant'));
  });

  test('another site cannot redeem the code, and the attempt burns it', async () => {
    const { code, verifier } = await devCode(gateway);
    const stolen = await redeem(gateway, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: 'https://public.example/callback',
      code_verifier: verifier,
      client_id: 'public',
    });
    assert.equal(stolen.body.error, 'invalid_grant');
    const owner = await redeem(gateway, codeGrant(code, verifier));
    assert.equal(owner.body.error, 'invalid_grant');
  });

  const refusals: [string, (c: { code: string; verifier: string }) => Record<string, string>][] = [
    ['a wrong verifier', ({ code }) => ({ code, redirect_uri: redirectUri, code_verifier: 'x'.repeat(43) })],
    ['a missing verifier', ({ code }) => ({ code, redirect_uri: redirectUri })],
    [
      'a wrong redirect_uri',
      ({ code, verifier }) => ({ code, redirect_uri: 'https://blog.example/other', code_verifier: verifier }),
    ],
    ['a missing redirect_uri', ({ code, verifier }) => ({ code, code_verifier: verifier })],
    [
      'an unknown code',
      ({ verifier }) => ({ code: 'made-up', redirect_uri: redirectUri, code_verifier: verifier }),
    ],
  ];
  for (const [name, fields] of refusals) {
    test(`${name} is refused and issues nothing`, async () => {
      const codeAndVerifier = await devCode(gateway);
      const { status, body } = await redeem(gateway, {
        grant_type: 'authorization_code',
        client_id: 'blog',
        ...fields(codeAndVerifier),
      });
      assert.equal(status, 400);
      assert.match(String(body.error), /^(invalid_grant|invalid_request)$/);
      assert.equal(body.access_token, undefined);
    });
  }

  test('an expired code (over 60 s) is invalid_grant', async () => {
    const { code, verifier } = await devCode(gateway);
    gateway.clock.advance(61_000);
    const { body } = await redeem(gateway, codeGrant(code, verifier));
    assert.equal(body.error, 'invalid_grant');
  });
});

describe('client authentication', () => {
  test('a wrong secret is 401 invalid_client, with WWW-Authenticate for Basic', async () => {
    const { code, verifier } = await devCode(gateway);
    const fields = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
    };
    const basicAttempt = await redeem(gateway, fields, basicAuth('blog', 'wrong-secret-0123456789'));
    assert.equal(basicAttempt.status, 401);
    assert.equal(basicAttempt.body.error, 'invalid_client');
    assert.match(basicAttempt.headers.get('www-authenticate') ?? '', /^Basic/);
    const postAttempt = await redeem(gateway, { ...fields, client_id: 'blog', client_secret: 'nope' });
    assert.equal(postAttempt.status, 401);
  });

  test('a Basic secret with + and = works form-encoded (RFC 6749) and as sent (clients that do not encode)', async () => {
    const secret = 'Zm9v+YmFy/base64+secret==';
    const asSent = { authorization: `Basic ${Buffer.from(`forum:${secret}`).toString('base64')}` };
    for (const headers of [basicAuth('forum', secret), asSent]) {
      const { code, verifier } = await devCode(gateway, { site: 'forum' });
      const fields = { grant_type: 'authorization_code', code, code_verifier: verifier };
      const { status } = await redeem(
        gateway,
        { ...fields, redirect_uri: 'https://forum.example/callback' },
        headers,
      );
      assert.equal(status, 200);
    }
    const wrong = {
      authorization: `Basic ${Buffer.from('forum:Zm9v YmFy/base64 secret==').toString('base64')}`,
    };
    const { code, verifier } = await devCode(gateway, { site: 'forum' });
    const fields = { grant_type: 'authorization_code', code, code_verifier: verifier };
    const refused = await redeem(
      gateway,
      { ...fields, redirect_uri: 'https://forum.example/callback' },
      wrong,
    );
    assert.equal(refused.status, 401);
  });

  test('a secret presented for a site without one is refused', async () => {
    const { body, status } = await redeem(gateway, {
      grant_type: 'authorization_code',
      code: 'x',
      client_id: 'public',
      client_secret: 'anything',
    });
    assert.equal(status, 401);
    assert.equal(body.error, 'invalid_client');
  });

  test('an unknown client is 401, a missing client_id is 401', async () => {
    assert.equal(
      (await redeem(gateway, { grant_type: 'authorization_code', code: 'x', client_id: 'nobody' })).status,
      401,
    );
    assert.equal((await redeem(gateway, { grant_type: 'authorization_code', code: 'x' })).status, 401);
  });

  test('an unsupported grant type says so', async () => {
    const { status, body } = await redeem(gateway, {
      grant_type: 'password',
      client_id: 'blog',
      username: 'a',
      password: 'b',
    });
    assert.equal(status, 400);
    assert.equal(body.error, 'unsupported_grant_type');
  });

  test('a repeated parameter is invalid_request', async () => {
    const response = await fetch(`${gateway.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=authorization_code&client_id=blog&code=a&code=b',
    });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { error: string }).error, 'invalid_request');
  });

  test('CORS answers a registered site origin and no other', async () => {
    const allowed = await fetch(`${gateway.url}/token`, {
      method: 'OPTIONS',
      headers: { origin: 'https://blog.example' },
    });
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://blog.example');
    assert.equal(allowed.headers.get('access-control-allow-credentials'), null);
    const denied = await fetch(`${gateway.url}/token`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(denied.headers.get('access-control-allow-origin'), null);
  });
});

describe('/userinfo', () => {
  test('answers the commenter’s claims for a live token and 401 otherwise', async () => {
    const { code, verifier } = await devCode(gateway, { name: 'Token Tester' });
    const { body } = await redeem(gateway, codeGrant(code, verifier));
    const token = body.access_token as string;
    const ok = await userinfo(gateway, token);
    assert.equal(ok.status, 200);
    const claims = ok.body;
    assert.equal(claims.sub, 'dev:token-tester');
    assert.equal(claims.name, 'Token Tester');

    const [header, payload, signature] = token.split('.') as [string, string, string];
    const tampered = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: 'dev:admin' }),
    ).toString('base64url');
    assert.equal(await userinfoStatus(gateway, `${header}.${tampered}.${signature}`), 401);
    assert.equal(
      await userinfoStatus(
        gateway,
        `${Buffer.from('{"alg":"none","typ":"at+jwt"}').toString('base64url')}.${payload}.`,
      ),
      401,
    );
    assert.equal(await userinfoStatus(gateway, 'x'.repeat(12_000)), 401);
    const missing = await fetch(`${gateway.url}/userinfo`);
    assert.equal(missing.status, 401);
    assert.match(missing.headers.get('www-authenticate') ?? '', /^Bearer/);

    gateway.clock.advance(11 * 60_000 + 60_000);
    const expired = await userinfo(gateway, token);
    assert.equal(expired.status, 401);
    assert.match(expired.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  });
});

describe('the token route outside Express', () => {
  test('a refused grant is no more cacheable than tokens: Cache-Control no-store and Pragma no-cache', async () => {
    const response = await fetch(`${gateway.url}/token`, {
      method: 'POST',
      headers: { ...basicAuth('blog', testSite.secret), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=refresh_token&refresh_token=not-one-of-ours',
    });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { error: string }).error, 'invalid_grant');
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.equal(response.headers.get('pragma'), 'no-cache');
  });

  /**
   * The token route alone on a server of its own, with a context of nothing but what a refusal needs
   * (no site is known, so every grant is refused) and parts that do nothing unless `parts` says.
   */
  async function startRoute(
    parts: Partial<TokenRouteParts>,
    seen: { logged?: unknown[]; counted?: unknown[] } = {},
  ): Promise<{ url: string; close(): void }> {
    const ctx = {
      log: { error: (entry: unknown) => seen.logged?.push(entry) },
      metrics: { tokenErrors: { inc: (labels: unknown) => seen.counted?.push(labels) } },
      sites: new Map(),
    } as unknown as GatewayContext;
    const server = createServer(
      tokenRoute(ctx, {
        headers: [],
        origins: new Set(),
        record: () => {},
        readForm: (req, _res, next) => {
          req.body = { client_id: 'nobody', grant_type: 'refresh_token' };
          next();
        },
        guard: {
          refuseIfBlocked: async () => {},
          countFailure: async (err: unknown) => err,
        } as unknown as ClientAuthGuard,
        address: () => '127.0.0.1',
        ...parts,
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`,
      close: () => server.close(),
    };
  }

  test('when counting a refused client fails (the store is down), the answer is a counted 503', async () => {
    const counted: unknown[] = [];
    const route = await startRoute(
      {
        guard: {
          refuseIfBlocked: async () => {},
          countFailure: async () => {
            throw new StoreUnavailableError('write', { cause: new Error('connection refused') });
          },
        } as unknown as ClientAuthGuard,
      },
      { counted },
    );
    try {
      const response = await fetch(route.url, { method: 'POST' });
      assert.equal(response.status, 503);
      assert.equal(response.headers.get('retry-after'), '5');
      assert.equal(((await response.json()) as { error: string }).error, 'temporarily_unavailable');
      assert.deepEqual(counted, [{ endpoint: '/token', error: 'temporarily_unavailable' }]);
    } finally {
      route.close();
    }
  });

  test('a client that left before its answer is recorded as 499 and aborted, not as the status never sent', async () => {
    const recorded: Answered[] = [];
    let left: () => void = () => {};
    const done = new Promise<void>((resolve) => {
      left = resolve;
    });
    const route = await startRoute({
      record: (_req, answer) => {
        recorded.push(answer);
        left();
      },
      guard: {
        // The answer waits until the client has gone.
        refuseIfBlocked: (req: { socket: { once(event: string, listener: () => void): void } }) =>
          new Promise<void>((resolve) => req.socket.once('close', () => setImmediate(resolve))),
        countFailure: async (err: unknown) => err,
      } as unknown as ClientAuthGuard,
    });
    try {
      const socket = connect(Number(new URL(route.url).port), '127.0.0.1', () => {
        socket.end(
          'POST /token HTTP/1.1\r\nHost: byline\r\nX-Request-Id: gone-1\r\nContent-Length: 0\r\n\r\n',
        );
        socket.destroy();
      });
      await done;
      assert.equal(recorded.length, 1);
      assert.equal(recorded[0]?.id, 'gone-1');
      assert.equal(recorded[0]?.status, 499);
      assert.equal(recorded[0]?.aborted, true);
    } finally {
      route.close();
    }
  });

  test('a failure before the grant is a JSON server_error, logged, never a thrown exception', async () => {
    const logged: unknown[] = [];
    const counted: unknown[] = [];
    const route = await startRoute(
      {
        readForm: () => {
          throw new Error('broken part');
        },
      },
      { logged, counted },
    );
    try {
      const response = await fetch(route.url, { method: 'POST' });
      assert.equal(response.status, 500);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      assert.deepEqual(await response.json(), {
        error: 'server_error',
        error_description: 'An unexpected error occurred.',
      });
      assert.equal(logged.length, 1);
      assert.deepEqual(counted, [{ endpoint: '/token', error: 'server_error' }]);
    } finally {
      route.close();
    }
  });
});
