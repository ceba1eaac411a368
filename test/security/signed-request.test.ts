// Facebook's signed callbacks (data deletion, deauthorize) and time (red-team finding: `issued_at` was
// never read, so a captured request could be replayed forever, each replay ending the user's sessions
// again and leaving another deletion record). A request is accepted for a day after Facebook issued it
// (and up to tokens.clockSkew ahead of our clock); within that day a replay of one deletion request
// answers the same confirmation code and leaves one record.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { valueText } from '../../src/i18n/translate.js';
import { Browser } from '../support/browser.js';
import { type FacebookDouble, type FacebookUser, startFacebookDouble } from '../support/facebook-double.js';
import { authorizeUrl } from '../support/flow.js';
import { listenOnFreePort } from '../support/gateway.js';
import { pkce } from '../support/pkce.js';
import { type ObservedGateway, postForm, startObservedGateway } from '../support/security.js';

const day = 24 * 60 * 60_000;
let fb: FacebookDouble;
let gateway: ObservedGateway;
let next = 0;

before(async () => {
  fb = await startFacebookDouble();
  const listening = await listenOnFreePort();
  fb.register(`${listening.url}/auth/facebook/callback`);
  gateway = await startObservedGateway({
    listening,
    config: {
      providers: { facebook: { clientId: fb.appId, clientSecret: fb.appSecret, endpoints: fb.endpoints } },
      rateLimits: { authorize: { points: 100_000, window: '1m' } },
    },
  });
});
after(async () => {
  await gateway.close();
  await fb.close();
});

/** A new Facebook user, logged in to Byline in a browser of their own. */
async function loggedInUser(): Promise<{ user: FacebookUser; browser: Browser }> {
  next += 1;
  const user: FacebookUser = {
    id: `1022000000000${String(next).padStart(4, '0')}`,
    name: `Reader ${next}`,
    email: `reader${next}@example.com`,
    pictureUrl: 'https://platform-lookaside.fbsbx.com/platform/profilepic/?asid=1',
  };
  const browser = new Browser();
  await login(user, browser);
  assert.equal(await loggedIn(browser), true, 'the harness logs the reader in');
  return { user, browser };
}

async function login(user: FacebookUser, browser: Browser): Promise<void> {
  fb.user = user;
  const { challenge } = pkce();
  await browser.follow(authorizeUrl(gateway, challenge, { idp: 'facebook' }), {}, (location) =>
    location.startsWith('https://blog.example/'),
  );
}

/** Whether the browser's Byline session still lets it skip Facebook (its login still lives); if not, logs in. */
async function loggedIn(browser: Browser): Promise<boolean> {
  const before = fb.count('dialog/oauth');
  const { challenge } = pkce();
  await browser.follow(authorizeUrl(gateway, challenge, { idp: 'facebook' }), {}, (location) =>
    location.startsWith('https://blog.example/'),
  );
  return fb.count('dialog/oauth') === before;
}

/** A signed_request for `user`, issued `offsetMs` from the gateway's clock (whole seconds, as Facebook's). */
function signedRequest(user: FacebookUser, offsetMs = 0, fields: Record<string, unknown> = {}): string {
  const issuedAt = Math.floor((gateway.clock.now() + offsetMs) / 1000);
  return fb.signedRequest({ algorithm: 'HMAC-SHA256', issued_at: issuedAt, user_id: user.id, ...fields });
}

const post = (callback: string, signed: string) =>
  postForm(`${gateway.url}/providers/facebook/${callback}`, { signed_request: signed });

/** The deletion records in the store (`deletion:<code>`). */
async function deletionRecords(): Promise<string[]> {
  return [...(await gateway.store.snapshot()).keys()].filter((key) => key.startsWith('deletion:'));
}

for (const callback of ['data-deletion', 'deauthorize']) {
  describe(`POST /providers/facebook/${callback}: issued_at`, () => {
    const refused: [string, (user: FacebookUser) => string][] = [
      ['issued a day and a minute ago', (user) => signedRequest(user, -day - 60_000)],
      ['issued a year ago', (user) => signedRequest(user, -365 * day)],
      ['issued at the epoch', (user) => signedRequest(user, 0, { issued_at: 1 })],
      [
        'issued two minutes ahead of our clock (beyond the 60 s skew)',
        (user) => signedRequest(user, 120_000),
      ],
      ['without issued_at', (user) => signedRequest(user, 0, { issued_at: undefined })],
      ['with issued_at as a string', (user) => signedRequest(user, 0, { issued_at: String(Date.now()) })],
    ];
    for (const [name, make] of refused) {
      test(`a request ${name} is a 400 and ends no session`, async () => {
        const { user, browser } = await loggedInUser();
        const before = await deletionRecords();
        const answer = await post(callback, make(user));
        assert.equal(answer.status, 400, answer.body);
        assert.equal((JSON.parse(answer.body) as { error: string }).error, 'invalid_request');
        assert.equal(await loggedIn(browser), true, 'the reader is still logged in');
        assert.deepEqual(await deletionRecords(), before, 'no deletion record');
      });
    }

    const accepted: [string, number][] = [
      ['just now', 0],
      ['23 hours ago', -23 * 60 * 60_000],
      ['30 s ahead of our clock (within the skew)', 30_000],
    ];
    for (const [name, offset] of accepted) {
      test(`a request issued ${name} ends the user's sessions`, async () => {
        const { user, browser } = await loggedInUser();
        const answer = await post(callback, signedRequest(user, offset));
        assert.equal(answer.status, 200, answer.body);
        assert.equal(await loggedIn(browser), false, 'the reader was logged out');
      });
    }

    test('a captured request replayed after the day is refused and leaves the new session alone', async () => {
      const { user, browser } = await loggedInUser();
      const captured = signedRequest(user);
      assert.equal((await post(callback, captured)).status, 200);
      gateway.clock.advance(day + 1000);
      try {
        await login(user, browser);
        assert.equal(await loggedIn(browser), true, 'the reader logged in again');
        assert.equal((await post(callback, captured)).status, 400);
        assert.equal(await loggedIn(browser), true, 'the replay ended nothing');
      } finally {
        gateway.clock.advance(-(day + 1000));
      }
    });
  });
}

describe('a replayed data deletion request within the day', () => {
  test('answers the same confirmation code and leaves one deletion record', async () => {
    const { user } = await loggedInUser();
    const before = await deletionRecords();
    const request = signedRequest(user);
    const first = await post('data-deletion', request);
    gateway.clock.advance(60 * 60_000);
    let replay: Awaited<ReturnType<typeof post>>;
    try {
      replay = await post('data-deletion', request);
    } finally {
      gateway.clock.advance(-60 * 60_000);
    }
    assert.equal(first.status, 200);
    assert.equal(replay.status, 200);
    const { confirmation_code: code, url } = JSON.parse(first.body) as {
      confirmation_code: string;
      url: string;
    };
    assert.deepEqual(JSON.parse(replay.body), { confirmation_code: code, url });
    const added = (await deletionRecords()).filter((key) => !before.includes(key));
    assert.deepEqual(added, [`deletion:${code}`]);

    // The status page keeps the time of the first request, not the replay's.
    const page = await (await fetch(url)).text();
    // Written as the page writes dates (Intl.DateTimeFormat, in the reader's language: English here).
    const written = (time: number) => valueText('en', new Date(time));
    assert.ok(page.includes(written(gateway.clock.now())), 'the first request’s time');
    assert.ok(!page.includes(written(gateway.clock.now() + 60 * 60_000)), 'not the replay’s');
  });

  test('a new request for the same user (another issued_at) is another deletion request', async () => {
    const { user } = await loggedInUser();
    const first = JSON.parse((await post('data-deletion', signedRequest(user, -5000))).body);
    const second = JSON.parse((await post('data-deletion', signedRequest(user))).body);
    assert.notEqual(first.confirmation_code, second.confirmation_code);
  });
});
