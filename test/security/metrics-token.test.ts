// The /metrics bearer token (red-team finding: compared with `!==`, any length, guesses never limited):
// the config refuses a short token, naming its key; a wrong token is 401; wrong tokens count against
// rateLimits.clientAuthFailures per address, so a guessing client meets 429 before any comparison.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, type ConfigIssue } from '../../src/config/errors.js';
import { parseConfig } from '../../src/config/load.js';
import { startGateway, type TestGateway, testSite } from '../support/gateway.js';
import { type Answer, postForm, send } from '../support/security.js';

const token = 'metrics-token-0123456789abcdef';

async function withGateway(config: Record<string, unknown>, run: (gateway: TestGateway) => Promise<void>) {
  const gateway = await startGateway({ config });
  try {
    await run(gateway);
  } finally {
    await gateway.close();
  }
}

const scrape = (gateway: TestGateway, headers: Record<string, string> = {}) =>
  send(`${gateway.url}/metrics`, { headers });

function issuesOf(raw: Record<string, unknown>): ConfigIssue[] {
  try {
    parseConfig(
      { publicUrl: 'http://127.0.0.1:3000', sites: { blog: testSite }, providers: { dev: {} }, ...raw },
      { env: {} },
    );
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  return [];
}

function assertTooMany(answer: Answer) {
  assert.equal(answer.status, 429);
  assert.equal((JSON.parse(answer.body) as { error: string }).error, 'too_many_requests');
  assert.ok(Number(answer.headers.get('retry-after')) >= 1, 'Retry-After');
}

describe('metrics.token in the config', () => {
  test('a token under 16 characters is refused, naming metrics.token', () => {
    for (const short of ['x', 'scrape-me', '0123456789abcde']) {
      assert.deepEqual(issuesOf({ metrics: { token: short } }), [
        { path: 'metrics.token', message: 'must be at least 16 characters (or empty for none)' },
      ]);
    }
  });

  test('16 characters or more are accepted, and empty or unset leaves /metrics open', async () => {
    assert.deepEqual(issuesOf({ metrics: { token: '0123456789abcdef' } }), []);
    for (const metrics of [{ token: '' }, {}]) {
      await withGateway({ metrics }, async (gateway) => {
        assert.equal((await scrape(gateway)).status, 200);
      });
    }
  });
});

describe('GET /metrics with a token', () => {
  test('only the exact token opens it; the Bearer scheme is case-insensitive', async () => {
    await withGateway({ metrics: { token } }, async (gateway) => {
      assert.equal((await scrape(gateway, { authorization: `Bearer ${token}` })).status, 200);
      assert.equal((await scrape(gateway, { authorization: `bearer ${token}` })).status, 200);
      for (const authorization of [
        undefined,
        'Bearer',
        `Bearer ${token.slice(0, -1)}`,
        `Bearer ${token}x`,
        `Bearer ${token.toUpperCase()}`,
        `Basic ${Buffer.from(`x:${token}`).toString('base64')}`,
        `Bearer ${token} ${token}`,
      ]) {
        const answer = await scrape(gateway, authorization === undefined ? {} : { authorization });
        assert.equal(answer.status, 401, `${authorization} must be refused`);
        assert.equal(answer.headers.get('www-authenticate'), 'Bearer realm="byline-metrics"');
        assert.doesNotMatch(answer.body, /byline_/, 'no metrics in a refusal');
      }
    });
  });

  test('a client guessing the token meets 429 with Retry-After, then even the right token is refused', async () => {
    await withGateway(
      { metrics: { token }, rateLimits: { clientAuthFailures: { points: 3, window: '1m' } } },
      async (gateway) => {
        for (let i = 0; i < 3; i++) {
          const guess = await scrape(gateway, {
            authorization: `Bearer guess-${i}-0123456789abcdef`,
            // A spoofed address resets nothing (http.trustProxy is 0).
            'x-forwarded-for': `198.51.100.${i}`,
          });
          assert.equal(guess.status, 401);
        }
        assertTooMany(await scrape(gateway, { authorization: 'Bearer guess-3-0123456789abcdef' }));
        assertTooMany(await scrape(gateway, { authorization: `Bearer ${token}` }));
      },
    );
  });

  test('wrong metrics tokens count against the same per-address limit as client authentication', async () => {
    await withGateway(
      { metrics: { token }, rateLimits: { clientAuthFailures: { points: 2, window: '1m' } } },
      async (gateway) => {
        for (let i = 0; i < 3; i++) await scrape(gateway, { authorization: 'Bearer wrong-0123456789abcdef' });
        const right = await postForm(`${gateway.url}/introspect`, {
          client_id: 'blog',
          client_secret: testSite.secret,
          token: 'x',
        });
        assertTooMany(right);
      },
    );
  });

  test('successful scrapes do not count', async () => {
    await withGateway(
      { metrics: { token }, rateLimits: { clientAuthFailures: { points: 2, window: '1m' } } },
      async (gateway) => {
        for (let i = 0; i < 10; i++)
          assert.equal((await scrape(gateway, { authorization: `Bearer ${token}` })).status, 200);
      },
    );
  });
});
