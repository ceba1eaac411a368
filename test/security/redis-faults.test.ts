import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import pino from 'pino';
import { parseConfig } from '../../src/config/load.js';
import { openStore } from '../../src/server.js';
import { devLogin, redeem, redeemLogin } from '../support/flow.js';
import { startGateway, type TestGateway, testSite } from '../support/gateway.js';
import { OwnRedis } from '../support/redis.js';

// Redis faults seen through the gateway (issue 18): every test runs its own redis-server on a free port.

const alarm = 'a rotated refresh token was used again';

/** Keeps Redis busy for ARGV[1] µs. */
const busyLoop = `
local t = redis.call('TIME')
local start = t[1] * 1000000 + t[2]
local now
repeat now = redis.call('TIME') until now[1] * 1000000 + now[2] - start >= tonumber(ARGV[1])
return 1
`;

/** A logger whose lines the test can read. */
function capturedLogger() {
  const lines: string[] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    }),
  );
  return { lines, logger };
}

/** A gateway on `redis` whose store is opened from config, as `byline serve` opens it. */
async function gatewayOn(redis: OwnRedis, logger: pino.Logger, store: Record<string, unknown> = {}) {
  const config = parseConfig(
    {
      publicUrl: 'http://127.0.0.1:1',
      store: { kind: 'redis', url: redis.url, prefix: 'faults:', ...store },
      sites: { blog: testSite },
      providers: { dev: { type: 'dev' } },
    },
    { env: {}, cwd: process.cwd() },
  );
  return startGateway({ store: await openStore(config, logger), logger });
}

const refresh = (gateway: TestGateway, token: string) =>
  redeem(gateway, {
    grant_type: 'refresh_token',
    refresh_token: token,
    client_id: 'blog',
    client_secret: testSite.secret,
  });

/** The pid of the redis-server behind `url` (to freeze it with SIGSTOP). */
async function redisPid(url: string): Promise<number> {
  const client = new Redis(url);
  try {
    const info = await client.info('server');
    return Number(/process_id:(\d+)/.exec(info)?.[1]);
  } finally {
    client.disconnect();
  }
}

describe('client connections killed every 100 ms (what Sentinel does on a switch)', () => {
  let redis: OwnRedis;
  let gateway: TestGateway;
  const { lines, logger } = capturedLogger();

  before(async () => {
    redis = await OwnRedis.start();
    gateway = await gatewayOn(redis, logger);
  });
  after(async () => {
    await gateway.close();
    await redis.stop();
  });

  test('16 readers refreshing in turn are never logged out and raise no reuse alarm; codes redeem once; a real reuse is still caught', async () => {
    const readers = 16;
    const tokens: string[] = [];
    for (let i = 0; i < readers; i++) {
      const { body } = await redeemLogin(gateway, await devLogin(gateway, { name: `Reader ${i}` }), {
        client_secret: testSite.secret,
      });
      tokens.push(body.refresh_token as string);
    }
    // Logins that reach the site during the storm: their codes are redeemed while connections die.
    const pending = [];
    for (let i = 0; i < readers; i++) pending.push(await devLogin(gateway, { name: `Late reader ${i}` }));
    const firstTokens = [...tokens];

    // Before each kill Redis is kept busy for 5 ms (a Lua loop on another connection), as a loaded
    // Redis is: commands that arrive meanwhile run in the same turn as the kill, and their answers are
    // lost with the connection. Without it the kill rarely falls between a command and its answer.
    const admin = new Redis(redis.url);
    const busy = new Redis(redis.url);
    busy.on('error', () => {});
    let storming = true;
    let kills = 0;
    const storm = (async () => {
      while (storming) {
        const held = busy.eval(busyLoop, 0, 5000);
        await sleep(2);
        // TYPE normal skips the admin connection itself (SKIPME yes), not the busy one: it reconnects.
        kills += Number(await admin.call('CLIENT', 'KILL', 'TYPE', 'normal'));
        await held.catch(() => {});
        await sleep(100);
      }
    })();

    const loggedOut: string[] = [];
    const out = new Set<number>();
    let refreshes = 0;
    let unavailable = 0;
    const until = Date.now() + 3000;
    const codes = Promise.all(
      pending.map(async (login, i) => {
        await sleep(100 + i * 150);
        for (;;) {
          const { status, body } = await redeemLogin(gateway, login, { client_secret: testSite.secret });
          if (status === 503) {
            unavailable++;
            continue;
          }
          return { status, error: body.error };
        }
      }),
    );
    await Promise.all(
      tokens.map(async (_, reader) => {
        while (Date.now() < until && !out.has(reader)) {
          const { status, body } = await refresh(gateway, tokens[reader] as string);
          if (status === 200) {
            tokens[reader] = body.refresh_token as string;
            refreshes++;
          } else if (status === 503)
            unavailable++; // a client tries again with the same token
          else {
            out.add(reader);
            loggedOut.push(`${reader}: ${status} ${body.error} after ${refreshes} refreshes, ${kills} kills`);
          }
        }
      }),
    );
    const redeemed = await codes;
    storming = false;
    await storm;
    admin.disconnect();
    busy.disconnect();

    assert.deepEqual(loggedOut, [], 'no reader was logged out');
    assert.ok(kills >= 10, `connections were killed during the run (${kills})`);
    assert.ok(refreshes > readers * 5, `readers kept refreshing (${refreshes}, ${unavailable} answered 503)`);
    assert.deepEqual(
      redeemed.filter((outcome) => outcome.status !== 200),
      [],
      'every code was redeemed, once',
    );
    assert.equal(lines.filter((line) => line.includes(alarm)).length, 0, 'no false reuse alarm');

    // A real reuse: a token that was rotated long ago is presented again.
    const reused = await refresh(gateway, firstTokens[0] as string);
    assert.equal(reused.status, 400);
    assert.equal(reused.body.error, 'invalid_grant');
    assert.equal(lines.filter((line) => line.includes(alarm)).length, 1, 'the real reuse raised the alarm');
    const ended = await refresh(gateway, tokens[0] as string);
    assert.equal(ended.status, 400, "the reused family's current token stopped working");
  });
});

describe('a frozen Redis (SIGSTOP)', () => {
  let redis: OwnRedis;
  let gateway: TestGateway;
  const { logger } = capturedLogger();

  before(async () => {
    redis = await OwnRedis.start();
    gateway = await gatewayOn(redis, logger, { timeout: '500ms' });
  });
  after(async () => {
    await gateway.close();
    await redis.stop();
  });

  test('requests answer 503 with Retry-After while Redis is still frozen, and work again once it thaws', async () => {
    const { body } = await redeemLogin(gateway, await devLogin(gateway, { name: 'Frozen' }), {
      client_secret: testSite.secret,
    });
    const pid = await redisPid(redis.url);
    process.kill(pid, 'SIGSTOP');
    let thawed = false;
    try {
      // Without a deadline these would wait for as long as Redis is frozen: the signal bounds the test only.
      const signal = AbortSignal.timeout(8000);
      const [token, userinfo] = await Promise.all([
        fetch(`${gateway.url}/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'refresh_token',
            refresh_token: body.refresh_token as string,
            client_id: 'blog',
            client_secret: testSite.secret,
          }),
          signal,
        }),
        fetch(`${gateway.url}/userinfo`, {
          headers: { authorization: `Bearer ${body.access_token}` },
          signal,
        }),
      ]);
      assert.equal(thawed, false);
      assert.equal(token.status, 503);
      assert.equal(token.headers.get('retry-after'), '5');
      assert.equal(((await token.json()) as { error: string }).error, 'temporarily_unavailable');
      assert.equal(userinfo.status, 503);
      assert.equal(userinfo.headers.get('retry-after'), '5');
    } finally {
      thawed = true;
      process.kill(pid, 'SIGCONT');
    }
    const again = await refresh(gateway, body.refresh_token as string);
    assert.equal(again.status, 200, 'the refresh that timed out never ran: the token still works');
  });
});
