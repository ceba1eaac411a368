// An OIDC provider's `sub` is taken exactly as sent or the login fails (red-team finding: it was trimmed
// and cut to 255 characters, so ` alice` logged in as `alice`, and two long subjects sharing their first
// 255 characters as one commenter). OpenID Connect Core §2: at most 255 characters, never reassigned;
// DESIGN "Upstream outcomes": a profile Byline cannot use reaches the site as server_error.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import { Browser } from '../support/browser.js';
import { authorizeUrl, devLogin, redeemLogin, siteParams } from '../support/flow.js';
import { listenOnFreePort } from '../support/gateway.js';
import { type OidcDouble, oidcProviderConfig, startOidcDouble } from '../support/oidc-double.js';
import { pkce } from '../support/pkce.js';
import { type ObservedGateway, startObservedGateway } from '../support/security.js';
import { changedKeys } from '../support/store-snapshot.js';

let gateway: ObservedGateway;
let oidc: OidcDouble;

before(async () => {
  oidc = await startOidcDouble();
  const listening = await listenOnFreePort();
  oidc.register(`${listening.url}/auth/acme/callback`);
  gateway = await startObservedGateway({
    listening,
    config: {
      providers: {
        dev: { type: 'dev' },
        acme: oidcProviderConfig(oidc),
      },
    },
  });
});
after(async () => {
  await gateway.close();
  await oidc.close();
});
beforeEach(() => oidc.reset());

/** A whole login at the double as `sub` (in the ID token and at UserInfo alike), back at the site. */
async function loginAs(sub: string) {
  oidc.sub = sub;
  const browser = new Browser();
  const { verifier, challenge } = pkce();
  const done = await browser.follow(authorizeUrl(gateway, challenge, { idp: 'acme' }), {}, (location) =>
    location.startsWith('https://blog.example'),
  );
  return { browser, verifier, location: done.location };
}

describe('a subject Byline would have to change is refused: server_error, nothing issued', () => {
  const refused: [string, string][] = [
    ['a leading space', ' double-user-1'],
    ['a trailing space', 'double-user-1 '],
    ['a leading tab', '\tdouble-user-1'],
    ['a trailing newline', 'double-user-1\n'],
    ['a leading no-break space', '\u00a0double-user-1'],
    ['only spaces', '   '],
    ['256 characters', 'x'.repeat(256)],
    ['300 characters sharing their first 255 with a real subject', `${'x'.repeat(255)}-someone-else`],
    ['a NUL inside', 'double\u0000user-1'],
    ['a control character inside', 'double\u0001user-1'],
    ['a C1 control character inside', 'double\u0085user-1'],
  ];
  for (const [name, sub] of refused) {
    test(`${name} → server_error at the site`, async () => {
      const before = await gateway.store.snapshot();
      const { browser, location } = await loginAs(sub);
      const params = siteParams(location);
      assert.equal(params.get('code'), null);
      assert.equal(params.get('error'), 'server_error');
      assert.equal(params.get('state'), 'state-123');
      assert.equal(params.get('iss'), gateway.url);
      const after = await gateway.store.snapshot();
      const created = changedKeys(before, after).filter(
        (key) => /^(login|logins):/.test(key) && after.has(key),
      );
      assert.deepEqual(created, [], 'no login, session or code stored');
      assert.equal(browser.cookie('byline_session'), undefined, 'no Byline session');
    });
  }
});

describe('a subject within the rules is kept exactly', () => {
  const accepted: [string, string][] = [
    ['255 characters', 'x'.repeat(255)],
    ['inner spaces', 'double user 1'],
    ['non-ASCII characters', 'dö∪ble-üser-1'],
    ['one character', '7'],
  ];
  for (const [name, sub] of accepted) {
    test(`${name}: the commenter's sub is acme: + exactly the provider's`, async () => {
      const login = await loginAs(sub);
      const { status, body } = await redeemLogin(gateway, login);
      assert.equal(status, 200, JSON.stringify(body));
      assert.equal(decodeJwt(body.access_token as string).sub, `acme:${sub}`);
    });
  }
});

describe('the dev IdP’s subjects stay within the rules', () => {
  test('a long name without Latin letters (80 characters) still logs in, as a subject of at most 255', async () => {
    const login = await devLogin(gateway, { name: '漢'.repeat(80) });
    const { status, body } = await redeemLogin(gateway, login);
    assert.equal(status, 200, JSON.stringify(body));
    const sub = decodeJwt(body.access_token as string).sub as string;
    assert.match(sub, /^dev:[A-Za-z0-9_-]{1,255}$/);
  });
});
