import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { upstreamEndpointLabel } from '../../src/http/metrics.js';
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
  // POST /token is answered outside Express's router, and timed under its path all the same.
  assert.match(
    text,
    /byline_http_request_duration_seconds_count\{method="POST",route="\/token",status="200"\} 1\n/,
  );
  assert.match(
    text,
    /byline_http_request_duration_seconds_count\{method="POST",route="\/token",status="400"\} 1\n/,
  );
  assert.doesNotMatch(text, /route="\/auth\/dev\/callback/, 'raw paths never become labels');
  assert.match(text, /process_cpu_user_seconds_total/);
  assert.match(text, /# TYPE byline_store_errors_total counter/);
});

test("every provider's endpoints get their step as the upstream label, never the URL", () => {
  const labels: Record<string, string[]> = {
    discovery: [
      'https://accounts.google.com/.well-known/openid-configuration',
      'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
      'https://mastodon.example/.well-known/oauth-authorization-server',
      'https://bsky.social/.well-known/oauth-authorization-server',
      'https://pds.example/.well-known/oauth-protected-resource',
    ],
    jwks: [
      'https://appleid.apple.com/auth/keys',
      'https://www.googleapis.com/oauth2/v3/certs',
      'https://login.microsoftonline.com/common/discovery/v2.0/keys',
      'https://gitlab.com/oauth/discovery/keys',
      'https://www.linkedin.com/oauth/openid/jwks',
      'http://localhost:3000/dev-idp/jwks',
    ],
    par: ['https://bsky.social/oauth/par'],
    token: [
      'https://github.com/login/oauth/access_token',
      'https://api.x.com/2/oauth2/token',
      'https://discord.com/api/oauth2/token',
      'https://appleid.apple.com/auth/token',
      'https://oauth2.googleapis.com/token',
      'https://www.linkedin.com/oauth/v2/accessToken',
      'https://graph.facebook.com/v21.0/oauth/access_token',
      'https://public-api.wordpress.com/oauth2/token',
      'https://mastodon.example/oauth/token',
    ],
    revocation: ['https://mastodon.example/oauth/revoke', 'https://bsky.social/oauth/revoke'],
    emails: ['https://api.github.com/user/emails?per_page=100', 'https://ghe.example/api/v3/user/emails'],
    userinfo: [
      'https://api.github.com/user',
      'https://ghe.example/api/v3/user',
      'https://discord.com/api/v10/users/@me',
      'https://api.x.com/2/users/me?user.fields=profile_image_url,url,entities',
      'https://public-api.wordpress.com/rest/v1.1/me',
      'https://graph.facebook.com/v21.0/me?fields=id,name,email,picture&appsecret_proof=00',
      'https://openidconnect.googleapis.com/v1/userinfo',
      'https://api.linkedin.com/v2/userinfo',
      'https://mastodon.example/api/v1/accounts/verify_credentials',
      'https://pds.example/xrpc/com.atproto.repo.getRecord?repo=did:plc:x&collection=app.bsky.actor.profile',
    ],
    registration: ['https://mastodon.example/api/v1/apps'],
    handle: [
      'https://alice.example/.well-known/atproto-did',
      'https://bsky.social/xrpc/com.atproto.identity.resolveHandle?handle=alice.example',
    ],
    did: [
      'https://plc.directory/did:plc:ewvi7nxzyoun6zhxrhs64oiz',
      'https://alice.example/.well-known/did.json',
    ],
    other: ['https://alice.example/', 'https://alice.example/api/v1/apps/extra'],
  };
  for (const [label, urls] of Object.entries(labels))
    for (const url of urls) assert.equal(upstreamEndpointLabel(url), label, url);
});
