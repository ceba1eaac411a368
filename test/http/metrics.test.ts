import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { devLogin, redeem, redeemLogin } from '../support/flow.js';
import { startGateway, type TestGateway } from '../support/gateway.js';

let gateway: TestGateway;
before(async () => {
  gateway = await startGateway({ config: { metrics: { token: 'metrics-token-123' } } });
});
after(() => gateway.close());

async function scrape(): Promise<string> {
  const response = await fetch(`${gateway.url}/metrics`, {
    headers: { authorization: 'Bearer metrics-token-123' },
  });
  assert.equal(response.status, 200);
  return response.text();
}

test('/metrics needs the configured bearer token', async () => {
  assert.equal((await fetch(`${gateway.url}/metrics`)).status, 401);
  assert.equal(
    (await fetch(`${gateway.url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status,
    401,
  );
});

test('a login and a token exchange show up under the documented names and labels', async () => {
  const { location, verifier } = await devLogin(gateway, { name: 'Metric Reader' });
  await redeemLogin(gateway, { location, verifier });
  await redeem(gateway, {
    grant_type: 'authorization_code',
    code: 'bogus',
    redirect_uri: 'x',
    client_id: 'blog',
  });
  const text = await scrape();
  assert.match(text, /byline_logins_total\{provider="dev",site="blog",outcome="success"\} 1/);
  assert.match(text, /byline_tokens_issued_total\{grant="authorization_code",site="blog"\} 1/);
  assert.match(text, /byline_token_errors_total\{endpoint="\/token",error="invalid_grant"\} 1/);
  assert.match(text, /byline_upstream_request_duration_seconds_count\{provider="dev",endpoint="token"\} 1/);
  assert.match(
    text,
    /byline_http_request_duration_seconds_count\{method="GET",route="\/authorize",status="200"\}/,
  );
  assert.match(
    text,
    /byline_http_request_duration_seconds_count\{method="GET",route="\/auth\/:provider\/callback",status="302"\}/,
  );
  assert.doesNotMatch(text, /route="\/auth\/dev\/callback/, 'raw paths never become labels');
  assert.match(text, /process_cpu_user_seconds_total/);
  assert.match(text, /# TYPE byline_store_errors_total counter/);
});
