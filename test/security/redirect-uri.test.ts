// redirect_uri and post_logout_redirect_uri tricks (RFC 9700 §4.1, OAuth 2.1 §7.5.3): every
// unregistered target is an error page — never a redirect, never a code, nothing stored.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { devLogin } from '../support/flow.js';
import { pkce } from '../support/pkce.js';
import {
  assertErrorPage,
  assertStoreUnchanged,
  extract,
  type ObservedGateway,
  postForm,
  send,
  startObservedGateway,
} from '../support/security.js';

let gateway: ObservedGateway;
before(async () => {
  gateway = await startObservedGateway({
    config: {
      sites: {
        blog: {
          name: 'Test Blog',
          origins: ['https://blog.example'],
          redirectUris: ['https://blog.example/callback'],
          postLogoutRedirectUris: ['https://blog.example/bye'],
        },
        other: { origins: ['https://other.example'], redirectUris: ['https://other.example/callback'] },
      },
      rateLimits: { authorize: { points: 100_000, window: '1m' } },
    },
  });
});
after(() => gateway.close());

const { challenge } = pkce();

/** Unregistered look-alikes of https://blog.example/callback. */
const redirectTricks: [string, string][] = [
  ['protocol-relative', '//evil.example/callback'],
  ['backslash after slash', '/\\evil.example/callback'],
  ['scheme with backslash', 'https:/\\evil.example/callback'],
  ['backslash in the authority', 'https://blog.example\\@evil.example/callback'],
  ['backslash dot', 'https://blog.example\\.evil.example/callback'],
  ['userinfo naming the site', 'https://blog.example@evil.example/callback'],
  ['userinfo before the site', 'https://evil.example@blog.example/callback'],
  ['encoded slash before @', 'https://blog.example%2F@evil.example/callback'],
  ['tab in the host', 'https://blog.example%09.evil.example/callback'],
  ['raw tab', 'https://blog.example/call\tback'],
  ['encoded tab at the end', 'https://blog.example/callback%09'],
  ['subdomain suffix', 'https://blog.example.evil.example/callback'],
  ['prefix domain', 'https://evilblog.example/callback'],
  ['path traversal', 'https://blog.example/callback/../../evil'],
  ['encoded traversal', 'https://blog.example/callback/%2e%2e/evil'],
  ['extra path segment', 'https://blog.example/callback/extra'],
  ['trailing slash', 'https://blog.example/callback/'],
  ['extra query', 'https://blog.example/callback?next=//evil.example'],
  ['fragment', 'https://blog.example/callback#@evil.example'],
  ['host case', 'https://BLOG.EXAMPLE/callback'],
  ['path case', 'https://blog.example/CALLBACK'],
  ['explicit default port', 'https://blog.example:443/callback'],
  ['other port', 'https://blog.example:8443/callback'],
  ['http downgrade', 'http://blog.example/callback'],
  ['leading space', ' https://blog.example/callback'],
  ['trailing space', 'https://blog.example/callback '],
  ['leading tab', '\thttps://blog.example/callback'],
  ['CR/LF header injection', 'https://blog.example/callback\r\nLocation: https://evil.example'],
  ['encoded CR/LF', 'https://blog.example/callback%0d%0aLocation:%20https://evil.example'],
  ['javascript:', 'javascript:alert(document.domain)//https://blog.example/callback'],
  ['data:', 'data:text/html,<script>alert(1)</script>'],
  ['vbscript:', 'vbscript:msgbox(1)'],
  ['another site’s redirect_uri', 'https://other.example/callback'],
  ['the bare origin in query mode', 'https://blog.example'],
  ['IDN look-alike', 'https://blоg.example/callback'],
];

async function authorize(query: Record<string, string>, extra = '') {
  const url = new URL('/authorize', gateway.url);
  url.search = new URLSearchParams(query).toString() + extra;
  return send(url);
}

function request(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const query: Record<string, string | undefined> = {
    client_id: 'blog',
    redirect_uri: 'https://blog.example/callback',
    response_type: 'code',
    state: 'state-1',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...overrides,
  };
  return Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined)) as Record<
    string,
    string
  >;
}

/** The refused answer must not carry the target in a link, a script or a header. */
function assertNothingReflected(body: string, target: string) {
  if (target.includes('evil')) assert.doesNotMatch(body, /evil\.example/);
  assert.doesNotMatch(body, /<script>alert/);
  assert.doesNotMatch(body, /javascript:/);
}

describe('GET /authorize: an unregistered redirect_uri is an error page, never a redirect', () => {
  for (const [name, redirectUri] of redirectTricks) {
    test(`${name}: ${JSON.stringify(redirectUri)}`, async () => {
      const before = await gateway.store.snapshot();
      const answer = await authorize(request({ redirect_uri: redirectUri }));
      assertErrorPage(answer);
      assertNothingReflected(answer.body, redirectUri);
      assert.equal(answer.headers.getSetCookie().length, 0, 'no cookie for a refused request');
      await assertStoreUnchanged(gateway.store, before);
    });
  }

  const webMessageTricks: [string, string][] = [
    ['an unregistered origin', 'https://evil.example'],
    ['the origin with a slash', 'https://blog.example/'],
    ['the origin with a path', 'https://blog.example/callback'],
    ['the origin with its default port', 'https://blog.example:443'],
    ['a subdomain suffix', 'https://blog.example.evil.example'],
    ['the opaque origin', 'null'],
    ['a wildcard', '*'],
    ['http downgrade', 'http://blog.example'],
    ['another site’s origin', 'https://other.example'],
  ];
  for (const [name, origin] of webMessageTricks) {
    test(`web_message with ${name}: ${JSON.stringify(origin)}`, async () => {
      const before = await gateway.store.snapshot();
      const answer = await authorize(request({ redirect_uri: origin, response_mode: 'web_message' }));
      assertErrorPage(answer);
      assert.doesNotMatch(answer.body, /postMessage|authorization_response/);
      await assertStoreUnchanged(gateway.store, before);
    });
  }

  const clientTricks: [string, Record<string, string | undefined>, string?][] = [
    ['an unknown client_id', { client_id: 'evil' }],
    ['a missing client_id', { client_id: undefined }],
    ['a client_id in another case', { client_id: 'BLOG' }],
    ['a prototype key as client_id', { client_id: '__proto__' }],
    ['a missing redirect_uri', { redirect_uri: undefined }],
    ['an empty redirect_uri', { redirect_uri: '' }],
    ['a repeated redirect_uri', {}, '&redirect_uri=https%3A%2F%2Fevil.example%2Fcallback'],
    ['a repeated client_id', {}, '&client_id=other'],
    [
      'an array-typed redirect_uri',
      { redirect_uri: undefined },
      '&redirect_uri[]=https://blog.example/callback',
    ],
  ];
  for (const [name, overrides, extra] of clientTricks) {
    test(`${name}`, async () => {
      const before = await gateway.store.snapshot();
      const answer = await authorize(request(overrides), extra);
      assertErrorPage(answer);
      assertNothingReflected(answer.body, 'evil');
      await assertStoreUnchanged(gateway.store, before);
    });
  }
});

describe('post_logout_redirect_uri: exact match or an error page, and no logout', () => {
  const logoutTricks: [string, Record<string, string>][] = [
    ...[
      '//evil.example/bye',
      'https://blog.example/bye/../evil',
      'https://blog.example/bye?next=https://evil.example',
      'https://blog.example/bye#x',
      'https://blog.example.evil.example/bye',
      'https://blog.example@evil.example/bye',
      'https://BLOG.example/bye',
      'https://blog.example/bye ',
      'https://blog.example/bye\r\nSet-Cookie: x=1',
      'javascript:alert(1)',
      'https://blog.example/callback',
      'https://other.example/callback',
    ].map((uri): [string, Record<string, string>] => [
      JSON.stringify(uri),
      { client_id: 'blog', post_logout_redirect_uri: uri },
    ]),
    [
      'a registered URI under another client_id',
      { client_id: 'other', post_logout_redirect_uri: 'https://blog.example/bye' },
    ],
    ['a URI without client_id', { post_logout_redirect_uri: 'https://blog.example/bye' }],
    ['an unknown client_id', { client_id: 'evil', post_logout_redirect_uri: 'https://evil.example/' }],
  ];

  for (const [name, params] of logoutTricks) {
    test(`GET /logout with ${name} is an error page`, async () => {
      const url = new URL('/logout', gateway.url);
      url.search = new URLSearchParams(params).toString();
      const answer = await send(url);
      assertErrorPage(answer);
      assertNothingReflected(answer.body, params.post_logout_redirect_uri ?? '');
    });
  }

  test('POST /logout with any of them is an error page and the session lives on', async () => {
    const { browser } = await devLogin(gateway, { name: 'Logout Tricks' });
    const page = await browser.request(`${gateway.url}/logout`);
    const csrf = extract(page.body, /name="csrf" value="([^"]+)"/);
    const cookie = browser.cookieHeader(new URL(gateway.url)) as string;
    for (const [name, params] of logoutTricks) {
      const before = await gateway.store.snapshot();
      const answer = await postForm(
        `${gateway.url}/logout`,
        { csrf, ...params },
        { cookie, 'sec-fetch-site': 'same-origin' },
      );
      assertErrorPage(answer);
      assert.equal(answer.headers.getSetCookie().length, 0, `${name}: the session cookie stays`);
      await assertStoreUnchanged(gateway.store, before);
    }
    // Still logged in: /authorize goes straight back with a code.
    const again = await browser.request(
      new URL(`/authorize?${new URLSearchParams(request()).toString()}`, gateway.url),
    );
    assert.equal(again.response.status, 302);
    assert.ok(new URL(again.response.headers.get('location') as string).searchParams.get('code'));
  });
});
