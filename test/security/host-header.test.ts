// Host header attacks (OWASP WSTG-INPV-17): every URL Byline hands out comes from publicUrl, never
// from Host, X-Forwarded-Host/-Proto or Forwarded; the client address trusts proxies only as configured.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signRequest } from '../support/facebook-double.js';
import { authorizeUrl } from '../support/flow.js';
import { listenOnFreePort, startGateway, type TestGateway, testSite } from '../support/gateway.js';
import { type OidcDouble, oidcProviderConfig, startOidcDouble } from '../support/oidc-double.js';
import { pkce } from '../support/pkce.js';
import { type Answer, sendRaw } from '../support/security.js';

const publicUrl = 'https://byline.test';
const fbSecret = 'facebook-app-secret-0123456789';
let gateway: TestGateway;
let idp: OidcDouble;

before(async () => {
  idp = await startOidcDouble();
  idp.register(`${publicUrl}/auth/acme/callback`);
  gateway = await startGateway({
    listening: await listenOnFreePort(),
    publicUrl,
    config: {
      sites: { blog: testSite },
      providers: {
        dev: { type: 'dev' },
        acme: oidcProviderConfig(idp, 'Acme'),
        facebook: { clientId: '1234', clientSecret: fbSecret },
      },
    },
  });
});
after(async () => {
  await gateway.close();
  await idp.close();
});

const spoofs: [string, Record<string, string>][] = [
  ['Host', { host: 'evil.example' }],
  ['Host with a port', { host: 'evil.example:8443' }],
  ['X-Forwarded-Host', { 'x-forwarded-host': 'evil.example' }],
  [
    'X-Forwarded-Host + -Proto + -Port',
    { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'http', 'x-forwarded-port': '80' },
  ],
  ['Forwarded', { forwarded: 'for=203.0.113.9;host=evil.example;proto=http' }],
  ['X-Original-Host and X-Host', { 'x-original-host': 'evil.example', 'x-host': 'evil.example' }],
  [
    'all of them',
    { host: 'evil.example', 'x-forwarded-host': 'evil.example', forwarded: 'host=evil.example' },
  ],
];

const { challenge } = pkce();
const local = (url: URL | string) => new URL(new URL(url).pathname + new URL(url).search, gateway.url);

/** Every absolute URL in a text (a JSON body, a page, a Location). */
function urls(text: string): string[] {
  return [...text.matchAll(/https?:\/\/[^\s"'<>\\]+/g)].map((m) => m[0]);
}

function assertOnlyOurs(answer: Answer, what: string) {
  const text = `${answer.location ?? ''}\n${answer.body}`;
  assert.doesNotMatch(text, /evil\.example/, `${what} mentions the spoofed host`);
  assert.doesNotMatch(text, /127\.0\.0\.1:\d+\/(?!authorize)/, `${what} mentions the socket address`);
}

describe('URLs come from publicUrl whatever the request says', () => {
  for (const [name, headers] of spoofs) {
    test(`spoofed ${name}`, async () => {
      const discovery = await sendRaw(`${gateway.url}/.well-known/openid-configuration`, { headers });
      assertOnlyOurs(discovery, 'discovery');
      for (const url of urls(discovery.body))
        assert.ok(url === publicUrl || url.startsWith(`${publicUrl}/`), url);

      const devIdp = await sendRaw(`${gateway.url}/dev-idp/.well-known/openid-configuration`, { headers });
      assert.equal(devIdp.status, 200);
      for (const url of urls(devIdp.body)) assert.ok(url.startsWith(`${publicUrl}/dev-idp`), url);

      const toAcme = await sendRaw(local(authorizeUrl(gateway, challenge, { idp: 'acme' })), { headers });
      assert.equal(toAcme.status, 302);
      assert.equal(
        new URL(toAcme.location as string).searchParams.get('redirect_uri'),
        `${publicUrl}/auth/acme/callback`,
      );

      const toDev = await sendRaw(local(authorizeUrl(gateway, challenge, { idp: 'dev' })), { headers });
      assert.ok(toDev.location?.startsWith(`${publicUrl}/dev-idp/`), toDev.location ?? '');
      assert.equal(
        new URL(toDev.location as string).searchParams.get('redirect_uri'),
        `${publicUrl}/auth/dev/callback`,
      );

      const back = await sendRaw(local(authorizeUrl(gateway, challenge, { prompt: 'none' })), { headers });
      assert.equal(new URL(back.location as string).searchParams.get('iss'), publicUrl);

      const web = await sendRaw(
        local(
          authorizeUrl(gateway, challenge, {
            prompt: 'none',
            responseMode: 'web_message',
            redirectUri: 'https://blog.example',
          }),
        ),
        { headers },
      );
      assert.match(web.body, new RegExp(`"iss":"${publicUrl}"`));

      const chooser = await sendRaw(local(authorizeUrl(gateway, challenge)), { headers });
      assertOnlyOurs(chooser, 'the chooser');

      const widget = await sendRaw(`${gateway.url}/widget/config?client_id=blog`, { headers });
      assert.equal((JSON.parse(widget.body) as { issuer: string }).issuer, publicUrl);

      const deletion = await sendRaw(`${gateway.url}/providers/facebook/data-deletion`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          signed_request: signRequest(
            { algorithm: 'HMAC-SHA256', user_id: '42', issued_at: Math.floor(gateway.clock.now() / 1000) },
            fbSecret,
          ),
        }).toString(),
      });
      assert.equal(deletion.status, 200);
      assert.ok(
        (JSON.parse(deletion.body) as { url: string }).url.startsWith(
          `${publicUrl}/providers/facebook/deletion?`,
        ),
      );

      const guest = await sendRaw(`${gateway.url}/guest`, {
        method: 'POST',
        headers: { ...headers, origin: 'https://blog.example', 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: 'blog', name: 'Host Tester', email: 'host@example.com' }),
      });
      assert.equal(guest.status, 200);
      const token = (JSON.parse(guest.body) as { access_token: string }).access_token;
      const claims = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()) as {
        iss: string;
      };
      assert.equal(claims.iss, publicUrl);

      const landing = await sendRaw(`${gateway.url}/`, { headers });
      assertOnlyOurs(landing, 'the landing page');
      const staticDir = await sendRaw(`${gateway.url}/static/icons`, { headers });
      assert.doesNotMatch(staticDir.location ?? '', /evil|127\.0\.0\.1/);
    });
  }

  test('a spoofed Host does not make a foreign Origin pass the same-origin check', async () => {
    const answer = await sendRaw(`${gateway.url}/logout`, {
      method: 'POST',
      headers: {
        host: 'evil.example',
        origin: 'http://evil.example',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'csrf=x',
    });
    assert.equal(answer.status, 403);
  });
});

describe('trust proxy (http.trustProxy)', () => {
  async function guests(gw: TestGateway, forwardedFor: string[]) {
    const statuses: number[] = [];
    for (const xff of forwardedFor)
      statuses.push(
        (
          await sendRaw(`${gw.url}/guest`, {
            method: 'POST',
            headers: {
              origin: 'https://blog.example',
              'content-type': 'application/json',
              'x-forwarded-for': xff,
            },
            body: JSON.stringify({ client_id: 'blog', name: 'Proxy Tester', email: 'proxy@example.com' }),
          })
        ).status,
      );
    return statuses;
  }

  test('is off by default: X-Forwarded-For does not change the client address', async () => {
    const gw = await startGateway({ config: { rateLimits: { guest: { points: 2, window: '1m' } } } });
    try {
      assert.deepEqual(await guests(gw, ['203.0.113.1', '203.0.113.2', '203.0.113.3']), [200, 200, 429]);
    } finally {
      await gw.close();
    }
  });

  test('with one trusted hop the proxy’s X-Forwarded-For names the client', async () => {
    const gw = await startGateway({
      config: { http: { trustProxy: 1 }, rateLimits: { guest: { points: 1, window: '1m' } } },
    });
    try {
      assert.deepEqual(await guests(gw, ['203.0.113.1', '203.0.113.2', '203.0.113.2']), [200, 200, 429]);
      // Only the last hop counts: an address the client prepends itself is ignored.
      assert.deepEqual(await guests(gw, ['198.51.100.7, 203.0.113.2']), [429]);
    } finally {
      await gw.close();
    }
  });
});
