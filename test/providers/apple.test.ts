import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { appleNameKey, postedName } from '../../src/providers/presets/apple.js';
import { type AppleDouble, appleAccount, startAppleDouble } from '../support/apple-double.js';
import { Browser, type Hop } from '../support/browser.js';
import { assertSiteError, loginCommenter, providerLogin, siteParams } from '../support/flow.js';
import { postedForm } from '../support/form-post.js';
import type { TestGateway } from '../support/gateway.js';
import { startGatewayFor } from '../support/provider-gateway.js';

async function appleGateway(apple: AppleDouble): Promise<TestGateway> {
  const { clientId, teamId, keyId, privateKey } = apple;
  return startGatewayFor(apple, {
    apple: { clientId, teamId, keyId, privateKey, endpoints: apple.endpoints() },
  });
}

type Form = ReturnType<typeof postedForm>;

/**
 * What a browser does with Apple's self-posting page: a cross-site POST, which leaves out Byline's
 * SameSite=Lax cookies (this user agent has none to send, as Chromium sends none).
 */
function postCrossSite(form: Form): Promise<Hop> {
  return new Browser().request(form.action, {
    method: 'POST',
    body: new URLSearchParams(form.fields).toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      origin: 'https://appleid.apple.com',
      'sec-fetch-site': 'cross-site',
    },
  });
}

/** Byline's re-post page submitting itself from Byline's origin, in `browser` (with its cookies). */
function repost(browser: Browser, form: Form): Promise<Hop> {
  return browser.request(form.action, {
    method: 'POST',
    body: new URLSearchParams(form.fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
  });
}

/** A login with idp=apple up to Apple's page: its form, and the browser that started the login. */
async function toApple(gateway: TestGateway, browser = new Browser()) {
  const login = await providerLogin(gateway, 'apple', { browser });
  assert.equal(login.hop.response.status, 200, 'Apple answers with a page that posts itself');
  return { ...login, form: postedForm(login.hop.body) };
}

/** A whole Apple login: Apple's cross-site POST, Byline's re-post, and where that sends the reader. */
async function appleLogin(gateway: TestGateway) {
  const atApple = await toApple(gateway);
  const crossSite = await postCrossSite(atApple.form);
  const again = postedForm(crossSite.body);
  const done = await repost(atApple.browser, again);
  return {
    ...atApple,
    crossSite,
    again,
    done,
    location: done.response.headers.get('location') ?? undefined,
  };
}

describe('Sign in with Apple', () => {
  let apple: AppleDouble;
  let gateway: TestGateway;
  before(async () => {
    apple = await startAppleDouble();
    gateway = await appleGateway(apple);
  });
  after(async () => {
    await gateway.close();
    await apple.close();
  });
  beforeEach(() => apple.reset());

  test('a reader logs in: the ID token’s sub and email, the name from the first login’s user field', async () => {
    const login = await appleLogin(gateway);
    const params = siteParams(login.location);
    assert.equal(params.get('state'), 'state-123');
    assert.equal(params.get('iss'), gateway.url);
    const commenter = await loginCommenter(gateway, login);
    assert.equal(commenter.sub, 'apple:001234.5f1c2b7d9e8a4c3b.0712');
    assert.equal(commenter.idp, 'apple');
    assert.equal(commenter.name, 'Ada Lovelace');
    assert.equal(commenter.email, 'ada@example.com');
    assert.equal(commenter.emailVerified, true, 'email_verified "true" (a string) counts');
    assert.deepEqual(
      apple.requests.map((r) => `${r.method} ${r.path}`),
      ['GET /auth/authorize', 'POST /auth/token', 'GET /auth/keys'],
    );
  });

  test('the authorization request asks for name and email with form_post, a nonce and PKCE', async () => {
    await appleLogin(gateway);
    const authorize = apple.to('/auth/authorize')[0]?.params;
    assert.equal(authorize?.get('client_id'), apple.clientId);
    assert.equal(authorize?.get('response_type'), 'code');
    assert.equal(authorize?.get('response_mode'), 'form_post');
    assert.equal(authorize?.get('scope'), 'name email');
    assert.equal(authorize?.get('redirect_uri'), `${gateway.url}/auth/apple/callback`);
    assert.ok(authorize?.get('state'));
    assert.ok(authorize?.get('nonce'));
    assert.equal(authorize?.get('code_challenge_method'), 'S256');
  });

  test('the token request carries the client secret as a POST parameter: an ES256 JWT Apple accepts', async () => {
    await appleLogin(gateway);
    const token = apple.to('/auth/token')[0];
    assert.equal(token?.headers.authorization, undefined, 'no Basic: Apple takes client_secret_post only');
    assert.match(String(token?.headers['content-type']), /^application\/x-www-form-urlencoded/);
    assert.equal(token?.params.get('client_id'), apple.clientId);
    assert.equal(token?.params.get('grant_type'), 'authorization_code');
    assert.ok(token?.params.get('code_verifier'));
    const secret = token?.params.get('client_secret') ?? '';
    assert.deepEqual(decodeProtectedHeader(secret), { alg: 'ES256', kid: apple.keyId });
    const claims = decodeJwt(secret);
    assert.equal(claims.iss, apple.teamId);
    assert.equal(claims.sub, apple.clientId);
    assert.equal(claims.aud, 'https://appleid.apple.com');
    assert.equal((claims.exp ?? 0) - (claims.iat ?? 0), 3600);
    assert.deepEqual(
      apple.secrets.map((s) => s.answer),
      ['accepted'],
      'the double verified it with the public key',
    );
    await appleLogin(gateway);
    assert.equal(apple.secrets[1]?.secret, secret, 'the next login reuses the secret');
  });

  test('Apple’s cross-site POST is answered with a page of Byline’s that posts the same fields from its origin', async () => {
    const login = await toApple(gateway);
    const crossSite = await postCrossSite(login.form);
    assert.equal(crossSite.response.status, 200);
    assert.equal(crossSite.response.headers.get('cache-control'), 'no-store');
    assert.equal(crossSite.response.headers.get('referrer-policy'), 'no-referrer');
    assert.deepEqual(crossSite.response.headers.getSetCookie(), [], 'no cookie is set or cleared');
    const nonce = /'nonce-([^']+)'/.exec(
      crossSite.response.headers.get('content-security-policy') ?? '',
    )?.[1];
    assert.ok(
      nonce && crossSite.body.includes(`<script nonce="${nonce}">`),
      'its one script has the CSP nonce',
    );
    assert.doesNotMatch(crossSite.body, /<script[^>]+src=/, 'and no script from elsewhere');
    const again = postedForm(crossSite.body);
    assert.equal(again.action, `${gateway.url}/auth/apple/callback`);
    assert.deepEqual(again.fields, { ...login.form.fields, byline_reposted: '1' });
    assert.equal(apple.to('/auth/token').length, 0, 'nothing is redeemed before the re-post');
    const done = await repost(login.browser, again);
    assert.ok(siteParams(done.response.headers.get('location') ?? undefined).get('code'));
  });

  test('a second login brings no user field: the name the first one posted is remembered', async () => {
    await appleLogin(gateway);
    const second = await appleLogin(gateway);
    assert.equal(second.form.fields.user, undefined, 'Apple posts user on the first authorization only');
    const commenter = await loginCommenter(gateway, second);
    assert.equal(commenter.sub, 'apple:001234.5f1c2b7d9e8a4c3b.0712');
    assert.equal(commenter.name, 'Ada Lovelace');
    assert.equal(commenter.email, 'ada@example.com');
  });

  test('a reader Byline never saw posting a name is Anonymous, not someone else', async () => {
    await appleLogin(gateway);
    apple.account = appleAccount({ sub: '009999.aaaaaaaaaaaaaaaa.0001', email: 'grace@example.com' });
    apple.authorized.add(apple.account.sub);
    const commenter = await loginCommenter(gateway, await appleLogin(gateway));
    assert.equal(commenter.sub, 'apple:009999.aaaaaaaaaaaaaaaa.0001');
    assert.equal(commenter.name, 'Anonymous');
  });

  test('a name Apple posts again (the reader authorized anew) replaces the remembered one', async () => {
    await appleLogin(gateway);
    apple.authorized.clear();
    apple.account = appleAccount({ firstName: 'Augusta', lastName: 'King' });
    await appleLogin(gateway);
    const commenter = await loginCommenter(gateway, await appleLogin(gateway));
    assert.equal(commenter.name, 'Augusta King');
  });

  test('the remembered name lasts 400 days from the last login, under a key that names nobody', async () => {
    await appleLogin(gateway);
    const key = appleNameKey('apple', apple.account.sub);
    assert.doesNotMatch(key, /001234/);
    assert.equal(await gateway.store.get(key), 'Ada Lovelace');
    const now = gateway.clock.time;
    try {
      gateway.clock.advance(401 * 24 * 3600_000);
      assert.equal(await gateway.store.get(key), undefined);
    } finally {
      gateway.clock.time = now;
    }
  });

  test('a forged user field after the first login is ignored: its email is not the ID token’s', async () => {
    await appleLogin(gateway);
    apple.extraFields = {
      user: JSON.stringify({
        name: { firstName: 'Mallory', lastName: 'Impostor' },
        email: 'mallory@example.com',
      }),
    };
    const login = await appleLogin(gateway);
    const commenter = await loginCommenter(gateway, login);
    assert.equal(commenter.name, 'Ada Lovelace', 'the name of the first login, not the forged one');
    assert.equal(commenter.email, 'ada@example.com');
  });

  test('a user field that is not JSON, or not Apple’s shape, is ignored and the login goes on', async () => {
    for (const user of [
      '{not json',
      '"Mallory"',
      JSON.stringify({ name: 'Mallory', email: 'ada@example.com' }),
    ]) {
      apple.reset();
      // A reader Byline has no name for, so only the posted field could name them.
      apple.account = appleAccount({ sub: `000001.${Buffer.from(user).toString('hex').slice(0, 16)}.0001` });
      apple.extraFields = { user };
      const commenter = await loginCommenter(gateway, await appleLogin(gateway));
      assert.equal(commenter.name, 'Anonymous', user);
    }
  });

  test('a private relay address is an email like any other; email_verified as a boolean counts too', async () => {
    apple.account = appleAccount({
      email: 'x7k2m9qp4d@privaterelay.appleid.com',
      emailVerified: true,
      isPrivateEmail: 'true',
    });
    const commenter = await loginCommenter(gateway, await appleLogin(gateway));
    assert.equal(commenter.email, 'x7k2m9qp4d@privaterelay.appleid.com');
    assert.equal(commenter.emailVerified, true);
    assert.equal(commenter.name, 'Ada Lovelace', 'the user field names the relay address too');
  });

  test('email_verified "false" (Apple at Work & School accounts) is not verified', async () => {
    apple.account = appleAccount({ emailVerified: 'false' });
    const commenter = await loginCommenter(gateway, await appleLogin(gateway));
    assert.equal(commenter.email, 'ada@example.com');
    assert.equal(commenter.emailVerified, false);
  });

  test('Cancel at Apple (error=user_cancelled_authorize) reaches the site as access_denied', async () => {
    apple.deny = true;
    const login = await appleLogin(gateway);
    assert.equal(login.form.fields.error, 'user_cancelled_authorize');
    assertSiteError(login.location, 'access_denied');
    assert.equal(apple.to('/auth/token').length, 0);
  });

  test('a client secret Apple refuses (invalid_client) reaches the site as server_error', async () => {
    apple.clientKey = otherClientKey();
    const login = await appleLogin(gateway);
    assertSiteError(login.location, 'server_error');
    assert.deepEqual(
      apple.secrets.map((s) => s.answer),
      ['invalid_client'],
    );
  });

  test('login CSRF: an answer posted into another browser is re-posted there and refused, no code', async () => {
    const attacker = await toApple(gateway);
    const victim = new Browser();
    await toApple(gateway, victim); // the victim has a login of its own under way, and its binding
    const crossSite = await postCrossSite(attacker.form);
    const refused = await repost(victim, postedForm(crossSite.body));
    assert.equal(refused.response.status, 400);
    assert.equal(refused.response.headers.get('location'), null);
    assert.match(refused.body, /started somewhere else/);
    assert.equal(apple.to('/auth/token').length, 0, 'the attacker’s code is never redeemed');
  });

  test('a re-posted answer without its cookie is refused, not re-posted again', async () => {
    const login = await toApple(gateway);
    const answer = await postCrossSite({
      ...login.form,
      fields: { ...login.form.fields, byline_reposted: '1' },
    });
    assert.equal(answer.response.status, 400);
    assert.match(answer.body, /started somewhere else/);
    const late = await repost(login.browser, postedForm((await postCrossSite(login.form)).body));
    assert.equal(late.response.status, 400, 'the refused answer burnt the transaction');
    assert.match(late.body, /expired or was already used/);
  });
});

/** Another P-256 public key: client secrets signed with the configured .p8 do not verify with it. */
function otherClientKey() {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
}

describe('the posted user field', () => {
  const user = (value: unknown) => JSON.stringify(value);
  test('names the reader only with the ID token’s email; first and last name, cleaned', () => {
    const ada = { name: { firstName: ' Ada\u0000', lastName: 'Lovelace' }, email: 'ada@example.com' };
    assert.equal(postedName(user(ada), 'ada@example.com'), 'Ada Lovelace');
    assert.equal(postedName(user({ ...ada, name: { firstName: 'Ada' } }), 'ada@example.com'), 'Ada');
    assert.equal(postedName(user(ada), 'other@example.com'), undefined);
    assert.equal(postedName(user(ada), undefined), undefined, 'an ID token without email matches nothing');
    assert.equal(postedName(user({ ...ada, email: undefined }), 'ada@example.com'), undefined);
    assert.equal(postedName(user({ ...ada, name: {} }), 'ada@example.com'), undefined);
    assert.equal(postedName(null, 'ada@example.com'), undefined);
    assert.equal(postedName(`${user(ada)}${' '.repeat(2048)}`, 'ada@example.com'), undefined, 'too long');
  });
});

describe('Sign in with Apple with a key file and a clock', () => {
  let apple: AppleDouble;
  let gateway: TestGateway;
  const dir = mkdtempSync(join(tmpdir(), 'byline-apple-'));
  before(async () => {
    apple = await startAppleDouble();
    const keyFile = join(dir, `AuthKey_${apple.keyId}.p8`);
    writeFileSync(keyFile, apple.privateKey);
    const { clientId, teamId, keyId } = apple;
    gateway = await startGatewayFor(apple, {
      apple: { clientId, teamId, keyId, privateKeyFile: keyFile, endpoints: apple.endpoints() },
    });
  });
  after(async () => {
    await gateway.close();
    await apple.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the key read from its .p8 file signs secrets Apple accepts; 55 minutes on, the next login signs a new one', async () => {
    assert.ok(siteParams((await appleLogin(gateway)).location).get('code'));
    gateway.clock.advance(55 * 60_000);
    assert.ok(siteParams((await appleLogin(gateway)).location).get('code'));
    const [first, second] = apple.secrets;
    assert.deepEqual(
      apple.secrets.map((s) => s.answer),
      ['accepted', 'accepted'],
    );
    assert.notEqual(second?.secret, first?.secret);
    const iat = (secret = '') => decodeJwt(secret).iat ?? 0;
    assert.equal(iat(second?.secret) - iat(first?.secret), 55 * 60, 'minted at the gateway clock’s time');
  });
});
