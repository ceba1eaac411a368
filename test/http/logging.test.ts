import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { redactUrl } from '../../src/http/logging.js';
import { devLogin, redeem, siteParams } from '../support/flow.js';
import { startGateway, type TestGateway, testSite } from '../support/gateway.js';

const lines: string[] = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    done();
  },
});

let gateway: TestGateway;
before(async () => {
  gateway = await startGateway({ logger: pino({ level: 'trace' }, sink) });
});
after(() => gateway.close());

test('after a full login no log line contains the code, the tokens, the secret, the verifier or a cookie', async () => {
  const { location, verifier, browser } = await devLogin(gateway, { name: 'Log Watcher' });
  const code = siteParams(location).get('code') as string;
  const basic = `Basic ${Buffer.from(`blog:${testSite.secret}`).toString('base64')}`;
  const { body } = await redeem(
    gateway,
    {
      grant_type: 'authorization_code',
      code,
      redirect_uri: 'https://blog.example/callback',
      code_verifier: verifier,
    },
    { authorization: basic },
  );
  const accessToken = body.access_token as string;
  const refreshToken = body.refresh_token as string;
  await fetch(`${gateway.url}/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });
  await fetch(`${gateway.url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: 'blog',
      client_secret: testSite.secret,
    }).toString(),
  });
  await new Promise((resolve) => setImmediate(resolve));

  const log = lines.join('\n');
  assert.ok(lines.length > 5, 'requests were logged');
  const secrets = {
    code,
    accessToken,
    refreshToken,
    verifier,
    siteSecret: testSite.secret,
    basic: basic.slice(6),
    sessionCookie: browser.cookie('byline_session') as string,
    bindingCookie: browser.cookie('byline_tx') as string,
  };
  for (const [name, value] of Object.entries(secrets)) {
    assert.ok(value && value.length > 10, `${name} is a real value`);
    assert.ok(!log.includes(value), `${name} leaked into the logs`);
  }
  assert.match(log, /"url":"\/auth\/dev\/callback\?[^"]*code=\[redacted\]/);
});

test('every request line carries a request id, echoed as X-Request-Id', async () => {
  const response = await fetch(`${gateway.url}/healthz`, { headers: { 'x-request-id': 'abc-123' } });
  assert.equal(response.headers.get('x-request-id'), 'abc-123');
  const weird = await fetch(`${gateway.url}/healthz`, {
    headers: { 'x-request-id': 'not a sane id; <script>' },
  });
  assert.match(weird.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  await new Promise((resolve) => setImmediate(resolve));
  assert.ok(lines.some((line) => line.includes('"id":"abc-123"')));
});

test('a login writes one line with provider, site, outcome and duration', async () => {
  lines.length = 0;
  await devLogin(gateway, { name: 'Outcome Logger' });
  const login = lines.map((line) => JSON.parse(line)).find((entry) => entry.msg === 'login');
  assert.ok(login);
  assert.equal(login.provider, 'dev');
  assert.equal(login.site, 'blog');
  assert.equal(login.outcome, 'success');
  assert.equal(typeof login.durationMs, 'number');
});

test('redactUrl hides the values of credential parameters and keeps the rest', () => {
  assert.equal(redactUrl('/cb?code=abc&state=xyz&lang=en'), '/cb?code=[redacted]&state=[redacted]&lang=en');
  assert.equal(redactUrl('/plain'), '/plain');
  // An ID token names the reader (name, email, sid) and still works as a logout hint.
  assert.equal(
    redactUrl('/logout?id_token_hint=eyJ.eyJ.sig&login_hint=ada%40example.com&client_id=blog'),
    '/logout?id_token_hint=[redacted]&login_hint=[redacted]&client_id=blog',
  );
});

test('a request whose client left before the answer is logged as 499 and aborted, not as the status never sent', async () => {
  // A provider that holds the login's discovery request until the test lets go.
  const held: Socket[] = [];
  const silent = createServer((req) => held.push(req.socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  const own: string[] = [];
  const slowGateway = await startGateway({
    config: {
      providers: { dev: { type: 'dev' }, slow: { type: 'oidc', name: 'Slow', issuer, clientId: 'x' } },
    },
    logger: pino(
      { level: 'info' },
      new Writable({
        write(chunk, _encoding, done) {
          own.push(...String(chunk).split('\n').filter(Boolean));
          done();
        },
      }),
    ),
  });
  try {
    const leaving = new AbortController();
    const url = new URL('/authorize', slowGateway.url);
    url.search = new URLSearchParams({
      client_id: 'blog',
      redirect_uri: 'https://blog.example/callback',
      response_type: 'code',
      state: 's',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
      idp: 'slow',
    }).toString();
    const request = fetch(url, { redirect: 'manual', signal: leaving.signal });
    while (held.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    leaving.abort();
    await assert.rejects(request);
    let line: { msg: string; res: { statusCode: number }; aborted?: boolean } | undefined;
    while (!line) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      line = own.map((entry) => JSON.parse(entry)).find((entry) => entry.req?.url?.startsWith('/authorize'));
    }
    assert.equal(line.msg, 'GET 499');
    assert.equal(line.res.statusCode, 499);
    assert.equal(line.aborted, true);
  } finally {
    for (const socket of held) socket.destroy();
    await slowGateway.close();
    silent.close();
  }
});
