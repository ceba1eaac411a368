import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { SiteConfig } from '../../../src/config/schema.js';
import { consentWrites, hasConsent } from '../../../src/oauth/login/consent.js';
import type { Browser } from '../../support/browser.js';
import {
  type FacebookDouble,
  type FacebookUser,
  startFacebookDouble,
} from '../../support/facebook-double.js';
import { type LoggedIn, providerLogin, providerTokens } from '../../support/flow.js';
import { listenOnFreePort, startGateway, type TestGateway } from '../../support/gateway.js';
import { post, userinfoStatus } from '../../support/tokens.js';

const grace: FacebookUser = {
  id: '10229876543210987',
  name: 'Grace Hopper',
  email: 'grace@example.com',
  pictureUrl: 'https://platform-lookaside.fbsbx.com/platform/profilepic/?asid=10229876543210987',
};
const alan: FacebookUser = {
  ...grace,
  id: '10221111111111111',
  name: 'Alan Turing',
  email: 'alan@example.com',
};

let fb: FacebookDouble;
let gateway: TestGateway;

before(async () => {
  fb = await startFacebookDouble();
  const listening = await listenOnFreePort();
  fb.register(`${listening.url}/auth/facebook/callback`);
  gateway = await startGateway({
    listening,
    config: {
      providers: {
        facebook: { clientId: fb.appId, clientSecret: fb.appSecret, endpoints: fb.endpoints },
        // A second Facebook app, with its own secret, and a provider of another type.
        pages: { type: 'facebook', clientId: '999', clientSecret: 'the-other-apps-secret' },
        dev: { type: 'dev' },
      },
    },
  });
});
after(async () => {
  await gateway.close();
  await fb.close();
});

/** A reader's Facebook login through Byline, up to the tokens blog redeemed. */
function facebookLogin(user: FacebookUser): Promise<LoggedIn> {
  fb.user = user;
  return providerTokens(gateway, 'facebook');
}

/** Whether the browser's Byline session still lets it skip Facebook on the next login. */
async function skipsFacebook(browser: Browser): Promise<boolean> {
  const before = fb.count('dialog/oauth');
  await providerLogin(gateway, 'facebook', { browser });
  return fb.count('dialog/oauth') === before;
}

const deletionPayload = (userId: string) => ({
  algorithm: 'HMAC-SHA256',
  expires: Math.floor(Date.now() / 1000) + 3600,
  issued_at: Math.floor(Date.now() / 1000),
  user_id: userId,
});

const payloadSegment = Buffer.from(JSON.stringify(deletionPayload(grace.id))).toString('base64url');

for (const callback of ['data-deletion', 'deauthorize'] as const) {
  describe(`POST /providers/facebook/${callback}`, () => {
    let reader: LoggedIn;
    let other: LoggedIn;
    beforeEach(async () => {
      reader = await facebookLogin(grace);
      other = await facebookLogin(alan);
    });

    test('a valid signed_request ends every session of that user and no one else', async () => {
      assert.equal(await userinfoStatus(gateway, reader.tokens.access_token), 200);
      assert.equal(await skipsFacebook(reader.browser), true);

      const { status, headers, body } = await post(gateway, `/providers/facebook/${callback}`, {
        signed_request: fb.signedRequest(deletionPayload(grace.id)),
      });
      assert.equal(status, 200);
      assert.equal(headers.get('cache-control'), 'no-store');
      if (callback === 'deauthorize') assert.deepEqual(body, {});
      else {
        const code = body.confirmation_code as string;
        assert.match(code, /^[A-Za-z0-9_-]{16,64}$/);
        assert.equal(body.url, `${gateway.url}/providers/facebook/deletion?code=${code}`);
      }

      assert.equal(await userinfoStatus(gateway, reader.tokens.access_token), 401);
      assert.equal(await skipsFacebook(reader.browser), false, 'the browser session ended too');
      assert.equal(await userinfoStatus(gateway, other.tokens.access_token), 200);
    });

    test('the sites the user chose are forgotten: a later login asks them again', async () => {
      const identity = { provider: 'facebook', id: grace.id, name: grace.name, emailVerified: false };
      const untrusted = { ...(gateway.ctx.sites.get('blog') as SiteConfig), trusted: false };
      await gateway.store.write(consentWrites(gateway.ctx, untrusted, identity));
      assert.equal(await hasConsent(gateway.ctx, untrusted, identity), true);
      const { status } = await post(gateway, `/providers/facebook/${callback}`, {
        signed_request: fb.signedRequest(deletionPayload(grace.id)),
      });
      assert.equal(status, 200);
      assert.equal(await hasConsent(gateway.ctx, untrusted, identity), false);
    });

    const invalid: Array<[string, () => string | undefined]> = [
      ['a forged signature', () => fb.signedRequest(deletionPayload(grace.id), 'not-the-app-secret')],
      [
        'another Facebook app’s signature',
        () => fb.signedRequest(deletionPayload(grace.id), 'the-other-apps-secret'),
      ],
      ['a wrong algorithm', () => fb.signedRequest({ ...deletionPayload(grace.id), algorithm: 'HMAC-SHA1' })],
      ['no dot', () => `c2lnbmF0dXJl${payloadSegment}`],
      ['bad base64', () => `c2lnbmF0dXJl.${payloadSegment}*`],
      ['bad JSON', () => badJson(fb.appSecret)],
      ['no user_id', () => fb.signedRequest({ algorithm: 'HMAC-SHA256' })],
      [
        'an oversize request',
        () => fb.signedRequest({ ...deletionPayload(grace.id), padding: 'x'.repeat(9000) }),
      ],
      ['a body over the form limit', () => 'x'.repeat(20_000)],
      ['no signed_request', () => undefined],
    ];
    for (const [name, make] of invalid) {
      test(`${name} is a 400 and changes nothing`, async () => {
        const { status, body } = await post(gateway, `/providers/facebook/${callback}`, {
          signed_request: make(),
        });
        assert.equal(status, 400);
        assert.equal(body.error, 'invalid_request');
        assert.equal(body.confirmation_code, undefined);
        assert.equal(await userinfoStatus(gateway, reader.tokens.access_token), 200);
        assert.equal(await skipsFacebook(reader.browser), true);
      });
    }
  });
}

function badJson(secret: string): string {
  const payload = Buffer.from('{"algorithm":"HMAC-SHA256","user_id":').toString('base64url');
  return `${createHmac('sha256', secret).update(payload).digest('base64url')}.${payload}`;
}

describe('the deletion status page', () => {
  test('shows the request that the data-deletion answer links to', async () => {
    await facebookLogin(grace);
    const { body } = await post(gateway, '/providers/facebook/data-deletion', {
      signed_request: fb.signedRequest(deletionPayload(grace.id)),
    });
    const response = await fetch(body.url as string);
    const page = await response.text();
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(page, /Your data deletion request/);
    assert.match(page, /Completed/);
    assert.ok(page.includes(body.confirmation_code as string));
    assert.doesNotMatch(page, new RegExp(grace.id), 'the page does not name the user');
    // In the reader's language (Accept-Language), the date written its way.
    const japanese = await (
      await fetch(body.url as string, { headers: { 'accept-language': 'ja, en;q=0.5' } })
    ).text();
    assert.match(japanese, /<html lang="ja" dir="ltr">/);
    assert.match(japanese, /データ削除のリクエスト/);
    assert.match(japanese, /\d{4}年\d{1,2}月\d{1,2}日/);

    const elsewhere = await fetch(
      new URL(`/providers/pages/deletion?code=${body.confirmation_code}`, gateway.url),
    );
    await elsewhere.arrayBuffer();
    assert.equal(elsewhere.status, 404, 'a code belongs to the app it was issued for');
  });

  for (const [name, query] of [
    ['an unknown code', '?code=AAAAAAAAAAAAAAAAAAAAAA'],
    ['a malformed code', '?code=%3Cscript%3E'],
    ['no code', ''],
  ]) {
    test(`${name} gets an HTML error page`, async () => {
      const response = await fetch(new URL(`/providers/facebook/deletion${query}`, gateway.url));
      const page = await response.text();
      assert.equal(response.status, 404);
      assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(page, /no data deletion request with this confirmation code/);
      assert.doesNotMatch(page, /<script>/);
    });
  }
});

describe('providers that are not Facebook apps', () => {
  for (const id of ['dev', 'nope']) {
    test(`/providers/${id}/… is not found`, async () => {
      for (const callback of ['data-deletion', 'deauthorize']) {
        const { status, body } = await post(gateway, `/providers/${id}/${callback}`, {
          signed_request: fb.signedRequest(deletionPayload(grace.id)),
        });
        assert.equal(status, 404);
        assert.equal(body.error, 'not_found');
      }
      const page = await fetch(new URL(`/providers/${id}/deletion?code=AAAAAAAAAAAAAAAAAAAAAA`, gateway.url));
      await page.arrayBuffer();
      assert.equal(page.status, 404);
    });
  }
});
