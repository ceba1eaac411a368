// Rate limits (OWASP ASVS V2.2 anti-automation): failed client authentication per address and per
// site, /authorize starts, guest logins and Facebook's callbacks, answered 429 with Retry-After; a
// spoofed X-Forwarded-For resets nothing; with Redis every instance shares the counters.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { signRequest } from '../support/facebook-double.js';
import { authorizeUrl, devLogin, siteParams } from '../support/flow.js';
import { listenOnFreePort, startGateway, type TestGateway, testSite } from '../support/gateway.js';
import { pkce } from '../support/pkce.js';
import { redisStore, redisUrl, removePrefix, uniquePrefix } from '../support/redis.js';
import { type Answer, postForm, send } from '../support/security.js';

const fbSecret = 'facebook-app-secret-0123456789';
/** `issued_at` for a signed_request issued now (by the gateway's clock). */
const now = (gateway: TestGateway) => Math.floor(gateway.clock.now() / 1000);
const sites = {
  blog: testSite,
  other: {
    origins: ['https://other.example'],
    redirectUris: ['https://other.example/callback'],
    secret: 'other-site-secret-0123456789',
  },
};

async function withGateway(config: Record<string, unknown>, run: (gateway: TestGateway) => Promise<void>) {
  const gateway = await startGateway({
    config: {
      sites,
      providers: { dev: { type: 'dev' }, facebook: { clientId: '1234', clientSecret: fbSecret } },
      ...config,
    },
  });
  try {
    await run(gateway);
  } finally {
    await gateway.close();
  }
}

const wrongSecret = (site = 'blog', extra: Record<string, string> = {}) => ({
  grant_type: 'authorization_code',
  code: 'A'.repeat(43),
  redirect_uri: 'https://blog.example/callback',
  code_verifier: 'B'.repeat(43),
  client_id: site,
  client_secret: 'wrong-secret-0123456789',
  ...extra,
});

function assertTooMany(answer: Answer, windowSeconds: number) {
  assert.equal(answer.status, 429);
  const retryAfter = Number(answer.headers.get('retry-after'));
  assert.ok(retryAfter >= 1 && retryAfter <= windowSeconds, `Retry-After ${retryAfter}`);
}

describe('failed client authentication', () => {
  test('a burst of 300 failures from one address meets 429s (too_many_requests, Retry-After)', async () => {
    await withGateway({}, async (gateway) => {
      const answers: Answer[] = [];
      for (let i = 0; i < 300; i++) answers.push(await postForm(`${gateway.url}/token`, wrongSecret()));
      const statuses = answers.map((a) => a.status);
      assert.deepEqual([...new Set(statuses.slice(0, 20))], [401], 'the first 20 are plain failures');
      assert.deepEqual([...new Set(statuses.slice(20))], [429], 'then every attempt is refused');
      const last = answers.at(-1) as Answer;
      assertTooMany(last, 60);
      assert.equal((JSON.parse(last.body) as { error: string }).error, 'too_many_requests');
    });
  });

  test('the address is blocked at /token, /revoke and /introspect alike, even with the right secret', async () => {
    await withGateway(
      { rateLimits: { clientAuthFailures: { points: 3, window: '1m' } } },
      async (gateway) => {
        for (let i = 0; i < 4; i++) await postForm(`${gateway.url}/revoke`, { ...wrongSecret(), token: 'x' });
        const right = { client_id: 'blog', client_secret: testSite.secret };
        for (const path of ['/token', '/revoke', '/introspect'])
          assertTooMany(
            await postForm(`${gateway.url}${path}`, { ...right, token: 'x', grant_type: 'refresh_token' }),
            60,
          );
      },
    );
  });

  test('unknown clients, missing ids and introspection without a secret count as failures', async () => {
    await withGateway(
      { rateLimits: { clientAuthFailures: { points: 3, window: '1m' } } },
      async (gateway) => {
        const failures = [
          postForm(`${gateway.url}/token`, { grant_type: 'authorization_code', client_id: 'nobody' }),
          postForm(`${gateway.url}/token`, { grant_type: 'authorization_code' }),
          postForm(`${gateway.url}/introspect`, { client_id: 'blog', token: 'x' }),
        ];
        for (const answer of await Promise.all(failures)) assert.equal(answer.status, 401);
        assertTooMany(
          await postForm(`${gateway.url}/token`, { grant_type: 'authorization_code', client_id: 'nobody' }),
          60,
        );
      },
    );
  });

  test('successful client authentications do not count', async () => {
    await withGateway(
      { rateLimits: { clientAuthFailures: { points: 2, window: '1m' } } },
      async (gateway) => {
        for (let i = 0; i < 10; i++) {
          const answer = await postForm(`${gateway.url}/revoke`, {
            client_id: 'blog',
            client_secret: testSite.secret,
            token: 'unknown',
          });
          assert.equal(answer.status, 200);
        }
      },
    );
  });

  test('a spoofed X-Forwarded-For on every attempt does not reset the counter', async () => {
    await withGateway(
      { rateLimits: { clientAuthFailures: { points: 5, window: '1m' } } },
      async (gateway) => {
        const statuses: number[] = [];
        for (let i = 0; i < 50; i++)
          statuses.push(
            (
              await postForm(`${gateway.url}/token`, wrongSecret(), {
                'x-forwarded-for': `198.51.100.${i}`,
                'x-real-ip': `198.51.100.${i}`,
                forwarded: `for=198.51.100.${i}`,
              })
            ).status,
          );
        assert.equal(statuses.filter((s) => s === 401).length, 5);
        assert.equal(statuses.filter((s) => s === 429).length, 45);
      },
    );
  });

  test('per address: an IPv6 client counts as its /64, so new addresses in it reset nothing', async () => {
    await withGateway(
      { http: { trustProxy: 1 }, rateLimits: { clientAuthFailures: { points: 2, window: '1m' } } },
      async (gateway) => {
        const from = (host: number) => ({ 'x-forwarded-for': `2001:db8:7:8::${host.toString(16)}` });
        const statuses: number[] = [];
        for (let i = 1; i <= 4; i++)
          statuses.push((await postForm(`${gateway.url}/token`, wrongSecret(), from(i))).status);
        assert.deepEqual(statuses, [401, 401, 429, 429]);
        // Another /64 has its own count.
        const elsewhere = await postForm(`${gateway.url}/token`, wrongSecret(), {
          'x-forwarded-for': '2001:db8:7:9::1',
        });
        assert.equal(elsewhere.status, 401);
      },
    );
  });

  test('per site: a distributed guess at one site’s secret is stopped, PKCE-only readers and other sites go on', async () => {
    // One trusted proxy hop lets the test play many client addresses; the site's budget is 10 × points.
    await withGateway(
      { http: { trustProxy: 1 }, rateLimits: { clientAuthFailures: { points: 2, window: '1m' } } },
      async (gateway) => {
        const from = (i: number) => ({ 'x-forwarded-for': `203.0.113.${i}` });
        const statuses: number[] = [];
        for (let i = 0; i < 25; i++)
          statuses.push((await postForm(`${gateway.url}/token`, wrongSecret(), from(i))).status);
        assert.equal(statuses.filter((s) => s === 401).length, 20);
        assert.equal(statuses.filter((s) => s === 429).length, 5);
        // A fresh address with the right secret for that site: refused before the secret is compared.
        assertTooMany(
          await postForm(
            `${gateway.url}/revoke`,
            { client_id: 'blog', client_secret: testSite.secret, token: 'x' },
            from(100),
          ),
          60,
        );
        // Without a secret (a reader's browser, PKCE only) the site still works.
        const pkceOnly = await postForm(
          `${gateway.url}/revoke`,
          { client_id: 'blog', token: 'x' },
          from(101),
        );
        assert.equal(pkceOnly.status, 200);
        // Another site's secret is unaffected.
        const other = await postForm(
          `${gateway.url}/revoke`,
          { client_id: 'other', client_secret: sites.other.secret, token: 'x' },
          from(102),
        );
        assert.equal(other.status, 200);
      },
    );
  });
});

describe('other limited actions', () => {
  const { challenge } = pkce();
  const cases: {
    name: string;
    rule: string;
    /** One attempt; `spoof` is a fresh X-Forwarded-For per attempt (it must not matter). */
    act(gateway: TestGateway, i: number, spoof: Record<string, string>): Promise<Answer>;
    allowed: number;
    html?: boolean;
  }[] = [
    {
      name: 'GET /authorize starts',
      rule: 'authorize',
      act: (gateway, _i, spoof) => send(authorizeUrl(gateway, challenge), { headers: spoof }),
      allowed: 200,
      html: true,
    },
    {
      name: 'POST /guest',
      rule: 'guest',
      act: (gateway, _i, spoof) =>
        postForm(
          `${gateway.url}/guest`,
          { client_id: 'blog', name: 'Rate Guest', email: 'rate@example.com' },
          { origin: 'https://blog.example', ...spoof },
        ),
      allowed: 200,
    },
    {
      name: 'forged signed_requests at POST /providers/facebook/data-deletion',
      rule: 'clientAuthFailures',
      act: (gateway, i, spoof) =>
        postForm(
          `${gateway.url}/providers/facebook/data-deletion`,
          {
            signed_request: signRequest(
              { algorithm: 'HMAC-SHA256', user_id: String(i) },
              'not-the-app-secret',
            ),
          },
          spoof,
        ),
      allowed: 400,
    },
    {
      name: 'forged signed_requests at POST /providers/facebook/deauthorize',
      rule: 'clientAuthFailures',
      act: (gateway, _i, spoof) =>
        postForm(`${gateway.url}/providers/facebook/deauthorize`, { signed_request: 'junk.junk' }, spoof),
      allowed: 400,
    },
  ];
  for (const c of cases) {
    test(`${c.name}: over rateLimits.${c.rule} → 429 with Retry-After, whatever X-Forwarded-For says`, async () => {
      await withGateway({ rateLimits: { [c.rule]: { points: 3, window: '30s' } } }, async (gateway) => {
        const spoof = (i: number) => ({ 'x-forwarded-for': `198.51.100.${i}` });
        for (let i = 0; i < 3; i++) assert.equal((await c.act(gateway, i, spoof(i))).status, c.allowed);
        const refused = await c.act(gateway, 3, spoof(3));
        assertTooMany(refused, 30);
        if (c.html) {
          assert.match(refused.headers.get('content-type') ?? '', /text\/html/);
          assert.equal(refused.location, null, 'a refused /authorize never redirects');
        } else {
          assert.equal((JSON.parse(refused.body) as { error: string }).error, 'too_many_requests');
        }
      });
    });
  }

  for (const c of cases) {
    test(`${c.name}: an IPv6 client counts as its /64, another /64 by itself`, async () => {
      await withGateway(
        { http: { trustProxy: 1 }, rateLimits: { [c.rule]: { points: 3, window: '30s' } } },
        async (gateway) => {
          const inOne64 = (i: number) => ({ 'x-forwarded-for': `2001:db8:5:6::${i + 1}` });
          for (let i = 0; i < 3; i++) assert.equal((await c.act(gateway, i, inOne64(i))).status, c.allowed);
          assertTooMany(await c.act(gateway, 3, inOne64(3)), 30);
          const elsewhere = { 'x-forwarded-for': '2001:db8:5:7::1' };
          assert.equal((await c.act(gateway, 4, elsewhere)).status, c.allowed);
        },
      );
    });
  }

  test('valid Facebook callbacks are not limited', async () => {
    await withGateway(
      { rateLimits: { clientAuthFailures: { points: 2, window: '1m' } } },
      async (gateway) => {
        for (let i = 0; i < 10; i++) {
          const answer = await postForm(`${gateway.url}/providers/facebook/deauthorize`, {
            signed_request: signRequest(
              { algorithm: 'HMAC-SHA256', user_id: String(i + 1), issued_at: now(gateway) },
              fbSecret,
            ),
          });
          assert.equal(answer.status, 200);
        }
      },
    );
  });

  test('a blocked address gets 429 even for a valid Facebook callback', async () => {
    await withGateway(
      { rateLimits: { clientAuthFailures: { points: 2, window: '1m' } } },
      async (gateway) => {
        for (let i = 0; i < 3; i++)
          await postForm(`${gateway.url}/providers/facebook/deauthorize`, { signed_request: 'junk.junk' });
        const valid = await postForm(`${gateway.url}/providers/facebook/deauthorize`, {
          signed_request: signRequest(
            { algorithm: 'HMAC-SHA256', user_id: '7', issued_at: now(gateway) },
            fbSecret,
          ),
        });
        assertTooMany(valid, 60);
      },
    );
  });

  test('the window ends: after it the address may try again', async () => {
    await withGateway({ rateLimits: { guest: { points: 1, window: '1s' } } }, async (gateway) => {
      const guest = () =>
        postForm(
          `${gateway.url}/guest`,
          { client_id: 'blog', name: 'Patient Guest', email: 'patient@example.com' },
          { origin: 'https://blog.example' },
        );
      assert.equal((await guest()).status, 200);
      assertTooMany(await guest(), 1);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      assert.equal((await guest()).status, 200);
    });
  });
});

async function redisReachable(): Promise<boolean> {
  const client = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true, connectTimeout: 1000 });
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

describe('with a Redis store', async () => {
  const reachable = await redisReachable();
  test('two instances share the counters: failures spread over both meet 429 at the limit', {
    skip: !reachable && 'needs Redis',
  }, async () => {
    const prefix = uniquePrefix('rate');
    const dataDir = await mkdtemp(join(tmpdir(), 'byline-rate-'));
    const config = {
      sites,
      store: { kind: 'redis', url: redisUrl, prefix },
      rateLimits: { clientAuthFailures: { points: 4, window: '1m' } },
    };
    const listening = await listenOnFreePort();
    const a = await startGateway({ listening, dataDir, store: redisStore(prefix), config });
    const b = await startGateway({ dataDir, publicUrl: a.url, store: redisStore(prefix), config });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++)
        statuses.push((await postForm(`${(i % 2 ? a : b).url}/token`, wrongSecret())).status);
      assert.deepEqual(statuses, [401, 401, 401, 401, 429, 429, 429, 429]);
      const client = new Redis(redisUrl);
      try {
        const keys = await client.keys(`${prefix}rl:*`);
        assert.ok(keys.length > 0, 'the counters are in Redis under the store prefix');
        for (const key of keys) assert.ok((await client.pttl(key)) > 0, `${key} has a TTL`);
      } finally {
        client.disconnect();
      }
    } finally {
      await Promise.all([a.close(), b.close()]);
      await removePrefix(prefix);
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

test('a login still works end to end under the default limits (the harness is sound)', async () => {
  await withGateway({}, async (gateway) => {
    const { location } = await devLogin(gateway, { name: 'Ordinary Reader' });
    assert.ok(siteParams(location).get('code'));
  });
});
