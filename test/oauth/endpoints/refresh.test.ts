import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import { endSiteSession } from '../../../src/oauth/login/end-sessions.js';
import { openSid } from '../../../src/oauth/login/handles.js';
import type { LoginRecord } from '../../../src/oauth/login/records.js';
import { storeKeys } from '../../../src/oauth/login/store-keys.js';
import { devCode, devLogin, devTokens, loginTokens, redeem } from '../../support/flow.js';
import { startGateway, type TestGateway, testSite } from '../../support/gateway.js';
import { basicAuth, refresh, type Tokens, userinfoStatus } from '../../support/tokens.js';

const otherSite = {
  origins: ['https://other.example'],
  redirectUris: ['https://other.example/callback'],
  secret: 'other-site-secret-0123456789',
};
const publicSite = { origins: ['https://public.example'], redirectUris: ['https://public.example/callback'] };
const sites = { blog: testSite, other: otherSite, public: publicSite };
/** Most tests log in at, and refresh as, the public site: PKCE alone, no secret. */
const asPublic = { site: 'public' };

describe('refresh_token grant', () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startGateway({ config: { sites } });
  });
  after(() => gateway.close());

  test('every use returns a new refresh token and a new access token for the same site session', async () => {
    const { tokens: first } = await devTokens(gateway, asPublic);
    const { status, body, headers } = await refresh(gateway, first.refresh_token, asPublic);
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(headers.get('cache-control'), 'no-store');
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.expires_in, 600);
    assert.equal(typeof body.refresh_token, 'string');
    assert.notEqual(body.refresh_token, first.refresh_token);
    assert.notEqual(body.access_token, first.access_token);
    const before = decodeJwt(first.access_token);
    const after = decodeJwt(body.access_token as string);
    assert.equal(after.sid, before.sid);
    assert.equal(after.sub, before.sub);
    assert.equal(after.aud, 'public');
    assert.notEqual(after.jti, before.jti);
    assert.equal(after.nonce, undefined);
    assert.equal(await userinfoStatus(gateway, body.access_token as string), 200);
  });

  test('a chain of rotations keeps working', async () => {
    let { tokens } = await devTokens(gateway, asPublic);
    for (let i = 0; i < 5; i++) {
      const { status, body } = await refresh(gateway, tokens.refresh_token, asPublic);
      assert.equal(status, 200, `rotation ${i}: ${JSON.stringify(body)}`);
      tokens = body as unknown as Tokens;
    }
    assert.equal(await userinfoStatus(gateway, tokens.access_token), 200);
  });

  test('reusing a rotated token is invalid_grant and ends the family and its site session', async () => {
    const { tokens: first } = await devTokens(gateway, asPublic);
    const second = (await refresh(gateway, first.refresh_token, asPublic)).body as unknown as Tokens;
    const reuse = await refresh(gateway, first.refresh_token, asPublic);
    assert.equal(reuse.status, 400);
    assert.equal(reuse.body.error, 'invalid_grant');
    const successor = await refresh(gateway, second.refresh_token, asPublic);
    assert.equal(successor.body.error, 'invalid_grant', 'the successor died with the family');
    assert.equal(await userinfoStatus(gateway, second.access_token), 401, 'the site session has ended');
    assert.equal(await userinfoStatus(gateway, first.access_token), 401);
  });

  test('reuse ends only that login: another login of the same reader keeps working', async () => {
    const { tokens: mine } = await devTokens(gateway, asPublic);
    const { tokens: theirs } = await devTokens(gateway, asPublic);
    await refresh(gateway, mine.refresh_token, asPublic);
    await refresh(gateway, mine.refresh_token, asPublic);
    const other = await refresh(gateway, theirs.refresh_token, asPublic);
    assert.equal(other.status, 200);
  });

  test('a family begun with the secret needs the secret: 401 invalid_client without it, and nothing burns', async () => {
    const { tokens } = await devTokens(gateway, { secret: testSite.secret });
    const bare = await refresh(gateway, tokens.refresh_token);
    assert.equal(bare.status, 401);
    assert.equal(bare.body.error, 'invalid_client');
    const wrong = await refresh(gateway, tokens.refresh_token, { secret: 'not-the-secret-0123456789' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error, 'invalid_client');
    const right = await refresh(gateway, tokens.refresh_token, { secret: testSite.secret });
    assert.equal(right.status, 200, JSON.stringify(right.body));
    const basic = await redeem(
      gateway,
      { grant_type: 'refresh_token', refresh_token: right.body.refresh_token as string },
      basicAuth('blog', testSite.secret),
    );
    assert.equal(basic.status, 200, 'client_secret_basic works too');
  });

  test('a family begun with PKCE alone at a confidential site refreshes with client_id only', async () => {
    const { tokens } = await devTokens(gateway);
    const { status, body } = await refresh(gateway, tokens.refresh_token);
    assert.equal(status, 200, JSON.stringify(body));
    const wrong = await refresh(gateway, body.refresh_token as string, {
      secret: 'not-the-secret-0123456789',
    });
    assert.equal(wrong.status, 401, 'a presented secret must still be right');
  });

  test("another site presenting a site's refresh token gets invalid_grant, and the owner's token still works", async () => {
    const { tokens } = await devTokens(gateway, asPublic);
    const stolen = await refresh(gateway, tokens.refresh_token, { site: 'other', secret: otherSite.secret });
    assert.equal(stolen.status, 400);
    assert.equal(stolen.body.error, 'invalid_grant');
    const anonymous = await refresh(gateway, tokens.refresh_token);
    assert.equal(anonymous.body.error, 'invalid_grant');
    const owner = await refresh(gateway, tokens.refresh_token, asPublic);
    assert.equal(owner.status, 200, 'not burned, not treated as reuse');
  });

  test('a token several rotations old is still recognised: reuse ends the login', async () => {
    let { tokens } = await devTokens(gateway, asPublic);
    const oldest = tokens.refresh_token;
    for (let i = 0; i < 3; i++)
      tokens = (await refresh(gateway, tokens.refresh_token, asPublic)).body as Tokens;
    assert.equal((await refresh(gateway, oldest, asPublic)).body.error, 'invalid_grant');
    assert.equal((await refresh(gateway, tokens.refresh_token, asPublic)).body.error, 'invalid_grant');
    assert.equal(await userinfoStatus(gateway, tokens.access_token), 401);
  });

  test('a made-up token naming a live family is refused and the family keeps working', async () => {
    const { tokens } = await devTokens(gateway, asPublic);
    const [sid] = tokens.refresh_token.split('.') as [string];
    for (const forged of [`${sid}.0.${'A'.repeat(43)}`, `${sid}.1.${'B'.repeat(43)}`])
      assert.equal((await refresh(gateway, forged, asPublic)).body.error, 'invalid_grant');
    assert.equal((await refresh(gateway, tokens.refresh_token, asPublic)).status, 200);
  });

  test('the store holds neither the refresh token nor the code', async () => {
    const login = await devCode(gateway, { name: 'Store Reader', site: 'public' });
    const { code } = login;
    const body = await loginTokens(gateway, login, asPublic);
    const sid = decodeJwt(body.access_token).sid as string;
    const { loginId } = openSid(gateway.ctx.keys.rootSecret, sid) ?? assert.fail('not a sid');
    const dump = JSON.stringify(await gateway.store.get<LoginRecord>(storeKeys.login(loginId)));
    assert.match(dump, /Store Reader/, 'this is the login record');
    const refreshToken = body.refresh_token;
    for (const secret of [code, code.split('.')[1], refreshToken, refreshToken.split('.')[2]])
      assert.ok(!dump.includes(secret as string), 'a usable secret is in the store');
  });

  test('site sessions of one login refresh at the same time without losing a rotation', async () => {
    const first = await devLogin(gateway, { name: 'Many Tabs', site: 'public' });
    const logins = [first];
    for (let i = 0; i < 3; i++)
      logins.push(await devLogin(gateway, { browser: first.browser, site: 'public' }));
    const chains = await Promise.all(
      logins.map(async (login) => {
        const body = await loginTokens(gateway, login, asPublic);
        let token = body.refresh_token;
        for (let i = 0; i < 5; i++) {
          const next = await refresh(gateway, token, asPublic);
          assert.equal(next.status, 200, JSON.stringify(next.body));
          token = next.body.refresh_token as string;
        }
        return decodeJwt(body.access_token).sid as string;
      }),
    );
    const loginIds = new Set(chains.map((sid) => openSid(gateway.ctx.keys.rootSecret, sid)?.loginId));
    assert.equal(loginIds.size, 1, 'all four site sessions live in one login record');
    assert.equal(new Set(chains).size, 4);
  });

  test('an unknown, malformed or missing refresh token is refused', async () => {
    assert.equal((await refresh(gateway, 'A'.repeat(43), asPublic)).body.error, 'invalid_grant');
    assert.equal((await refresh(gateway, 'not a token', asPublic)).body.error, 'invalid_grant');
    const missing = await redeem(gateway, { grant_type: 'refresh_token', client_id: 'public' });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error, 'invalid_request');
    const unknownClient = await refresh(gateway, 'A'.repeat(43), { site: 'nobody' });
    assert.equal(unknownClient.status, 401);
  });

  test('with no grace, of many concurrent uses of one token exactly one succeeds', async () => {
    const { tokens } = await devTokens(gateway, asPublic);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => refresh(gateway, tokens.refresh_token, asPublic)),
    );
    assert.equal(results.filter((r) => r.status === 200).length, 1);
    assert.ok(results.every((r) => r.status === 200 || r.body.error === 'invalid_grant'));
  });
});

describe('lifetimes of a refresh family', () => {
  const HOUR = 3_600_000;

  test('a family never outlives tokens.refreshTtl, however recently it was used', async () => {
    const gateway = await startGateway({
      config: { sites, tokens: { refreshTtl: '1h' }, session: { ttl: '1d' } },
    });
    try {
      let { tokens } = await devTokens(gateway, asPublic);
      gateway.clock.advance(HOUR / 2);
      tokens = (await refresh(gateway, tokens.refresh_token, asPublic)).body as unknown as Tokens;
      assert.ok(tokens.refresh_token);
      gateway.clock.advance(HOUR / 2);
      const late = await refresh(gateway, tokens.refresh_token, asPublic);
      assert.equal(late.status, 400);
      assert.equal(late.body.error, 'invalid_grant');
    } finally {
      await gateway.close();
    }
  });

  test('a family never outlives its site session', async () => {
    const gateway = await startGateway({
      config: { sites, tokens: { refreshTtl: '30d' }, session: { ttl: '1h' } },
    });
    try {
      const { tokens } = await devTokens(gateway, asPublic);
      gateway.clock.advance(HOUR - 1000);
      const inTime = await refresh(gateway, tokens.refresh_token, asPublic);
      assert.equal(inTime.status, 200);
      gateway.clock.advance(1000);
      const late = await refresh(gateway, inTime.body.refresh_token as string, asPublic);
      assert.equal(late.body.error, 'invalid_grant');
    } finally {
      await gateway.close();
    }
  });

  test('refresh after the site session was ended is invalid_grant', async () => {
    const gateway = await startGateway({ config: { sites } });
    try {
      const { tokens } = await devTokens(gateway, asPublic);
      const sid = decodeJwt(tokens.access_token).sid as string;
      await endSiteSession(gateway.ctx, sid);
      const { body } = await refresh(gateway, tokens.refresh_token, asPublic);
      assert.equal(body.error, 'invalid_grant');
    } finally {
      await gateway.close();
    }
  });
});

describe('tokens.refreshReuseGrace', () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startGateway({ config: { sites, tokens: { refreshReuseGrace: '10s' } } });
  });
  after(() => gateway.close());

  test('a second use within the grace gets the very pair the first use got', async () => {
    const { tokens } = await devTokens(gateway, asPublic);
    const first = await refresh(gateway, tokens.refresh_token, asPublic);
    gateway.clock.advance(4000);
    const second = await refresh(gateway, tokens.refresh_token, asPublic);
    assert.equal(second.status, 200, JSON.stringify(second.body));
    assert.equal(second.body.refresh_token, first.body.refresh_token);
    assert.equal(second.body.access_token, first.body.access_token);
    const expiresIn = second.body.expires_in as number;
    assert.ok(
      expiresIn >= 595 && expiresIn <= 596,
      `expires_in counts down from the first answer: ${expiresIn}`,
    );
    const next = await refresh(gateway, second.body.refresh_token as string, asPublic);
    assert.equal(next.status, 200, 'the shared successor rotates once as usual');
  });

  test('concurrent uses within the grace all succeed with one successor', async () => {
    const { tokens } = await devTokens(gateway, asPublic);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => refresh(gateway, tokens.refresh_token, asPublic)),
    );
    assert.ok(
      results.every((r) => r.status === 200),
      JSON.stringify(results.map((r) => r.body)),
    );
    assert.equal(new Set(results.map((r) => r.body.refresh_token)).size, 1);
  });

  test('a use after the grace is reuse: invalid_grant, and the login ends', async () => {
    const { tokens } = await devTokens(gateway, asPublic);
    const first = await refresh(gateway, tokens.refresh_token, asPublic);
    gateway.clock.advance(10_001);
    const late = await refresh(gateway, tokens.refresh_token, asPublic);
    assert.equal(late.body.error, 'invalid_grant');
    assert.equal(
      (await refresh(gateway, first.body.refresh_token as string, asPublic)).body.error,
      'invalid_grant',
    );
  });

  test('within the grace, a token whose successor has rotated again is reuse', async () => {
    const { tokens } = await devTokens(gateway, asPublic);
    const first = await refresh(gateway, tokens.refresh_token, asPublic);
    const second = await refresh(gateway, first.body.refresh_token as string, asPublic);
    assert.equal(second.status, 200);
    const stale = await refresh(gateway, tokens.refresh_token, asPublic);
    assert.equal(stale.body.error, 'invalid_grant');
    assert.equal(
      (await refresh(gateway, second.body.refresh_token as string, asPublic)).body.error,
      'invalid_grant',
    );
  });

  test('the store keeps the graced successor only sealed', async () => {
    const { tokens } = await devTokens(gateway, asPublic);
    const first = await refresh(gateway, tokens.refresh_token, asPublic);
    const sid = decodeJwt(tokens.access_token).sid as string;
    const { loginId } = openSid(gateway.ctx.keys.rootSecret, sid) ?? assert.fail('not a sid');
    const record = await gateway.store.get<LoginRecord>(storeKeys.login(loginId));
    assert.ok(Object.values(record?.sites ?? {})[0]?.refresh?.grace?.sealed);
    const dump = JSON.stringify(record);
    assert.ok(!dump.includes(first.body.refresh_token as string));
    assert.ok(!dump.includes(first.body.access_token as string));
  });
});
