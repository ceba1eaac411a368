import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import {
  type CommenterTokenError,
  type CommenterTokenErrorCode,
  createVerifier,
  type VerifierOptions,
} from 'byline-verify';
import { base64url } from 'jose';
import { startTestIssuer, type TestIssuer } from '../support/jwt-issuer.js';

let issuer: TestIssuer;
beforeEach(async () => {
  issuer = await startTestIssuer();
});
afterEach(async () => {
  await issuer.close();
});

function verifierFor(options: Partial<VerifierOptions> = {}) {
  return createVerifier({ issuer: issuer.url, audience: 'blog', ...options });
}

async function rejectsWith(promise: Promise<unknown>, code: CommenterTokenErrorCode): Promise<void> {
  await assert.rejects(promise, { name: 'CommenterTokenError', code });
}

/** A clock `seconds` away from now, for the verifier's `now` option. */
function clockAt(seconds: number): () => number {
  const at = Date.now() + seconds * 1000;
  return () => at;
}

describe('a valid commenter token', () => {
  it('maps an ES256 token to the Commenter fields', async () => {
    const claims = issuer.claims();
    const commenter = await verifierFor().verify(await issuer.sign(claims));

    assert.deepEqual(
      { ...commenter, claims: undefined },
      {
        sub: 'wordpress:1234',
        name: 'Ada Lovelace',
        username: undefined,
        picture: 'https://gravatar.com/avatar/abc?d=identicon',
        website: 'https://ada.example',
        email: 'ada@example.com',
        emailVerified: true,
        idp: 'wordpress',
        site: 'blog',
        sessionId: claims.sid,
        expiresAt: new Date((claims.exp as number) * 1000),
        claims: undefined,
      },
    );
    assert.deepEqual(commenter.claims, claims);
    assert.ok(Object.isFrozen(commenter.claims));
  });

  it('gives the preferred_username of a provider with handles as username', async () => {
    const commenter = await verifierFor().verify(
      await issuer.sign(issuer.claims({ sub: 'gitlab:42', idp: 'gitlab', preferred_username: 'ada' })),
    );
    assert.equal(commenter.username, 'ada');
  });

  for (const alg of ['EdDSA', 'RS256'] as const) {
    it(`is accepted when signed with a published ${alg} key`, async () => {
      const key = await issuer.createKey(alg);
      const commenter = await verifierFor().verify(await issuer.sign(issuer.claims(), { key }));
      assert.equal(commenter.sub, 'wordpress:1234');
    });
  }

  it('leaves the optional fields out for a guest without them', async () => {
    const claims = issuer.claims({
      sub: 'guest:abc',
      idp: 'guest',
      name: 'Anonymous',
      picture: undefined,
      website: undefined,
      email: undefined,
      email_verified: false,
    });
    const commenter = await verifierFor().verify(await issuer.sign(claims));
    assert.equal(commenter.idp, 'guest');
    assert.equal(commenter.picture, undefined);
    assert.equal(commenter.website, undefined);
    assert.equal(commenter.email, undefined);
    assert.equal(commenter.emailVerified, false);
  });

  it('accepts the media type spelling of typ in any case', async () => {
    const verifier = verifierFor();
    await verifier.verify(await issuer.sign(undefined, { header: { typ: 'application/AT+JWT' } }));
    await verifier.verify(await issuer.sign(undefined, { header: { typ: 'AT+JWT' } }));
  });
});

describe('time', () => {
  it('rejects a token past its exp as ERR_TOKEN_EXPIRED', async () => {
    const token = await issuer.sign();
    await rejectsWith(verifierFor({ now: clockAt(600 + 61) }).verify(token), 'ERR_TOKEN_EXPIRED');
  });

  it('accepts an expired token within 60 seconds of skew, and no more when told less', async () => {
    const token = await issuer.sign();
    await verifierFor({ now: clockAt(600 + 55) }).verify(token);
    await rejectsWith(
      verifierFor({ now: clockAt(600 + 55), clockTolerance: 10 }).verify(token),
      'ERR_TOKEN_EXPIRED',
    );
  });

  it('rejects a token whose nbf is still in the future', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await issuer.sign(issuer.claims({ nbf: now + 300 }));
    await rejectsWith(verifierFor().verify(token), 'ERR_TOKEN_INVALID');
  });

  it('rejects a token issued in the future beyond the skew', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await issuer.sign(issuer.claims({ iat: now + 300, exp: now + 900 }));
    await rejectsWith(verifierFor().verify(token), 'ERR_TOKEN_INVALID');
  });
});

describe('audience and issuer', () => {
  it('rejects a token for another site as ERR_TOKEN_AUDIENCE', async () => {
    const token = await issuer.sign(issuer.claims({ aud: 'other-blog', client_id: 'other-blog' }));
    await rejectsWith(verifierFor().verify(token), 'ERR_TOKEN_AUDIENCE');
  });

  it('accepts a token for any site in an audience array', async () => {
    const verifier = verifierFor({ audience: ['blog', 'shop'] });
    const shop = await verifier.verify(await issuer.sign(issuer.claims({ aud: 'shop', client_id: 'shop' })));
    const blog = await verifier.verify(await issuer.sign());
    assert.equal(shop.site, 'shop');
    assert.equal(blog.site, 'blog');
  });

  it('takes the site from the matching aud when there is no client_id', async () => {
    const token = await issuer.sign(issuer.claims({ aud: ['elsewhere', 'blog'], client_id: undefined }));
    assert.equal((await verifierFor().verify(token)).site, 'blog');
  });

  it('rejects a token from another issuer as ERR_TOKEN_ISSUER', async () => {
    const token = await issuer.sign(issuer.claims({ iss: 'https://evil.example' }));
    await rejectsWith(verifierFor().verify(token), 'ERR_TOKEN_ISSUER');
  });
});

describe('what a token must be', () => {
  it('rejects typ JWT and an ID token', async () => {
    const verifier = verifierFor();
    await rejectsWith(
      verifier.verify(await issuer.sign(undefined, { header: { typ: 'JWT' } })),
      'ERR_TOKEN_INVALID',
    );
    const idToken = issuer.claims({ nonce: 'n', auth_time: 1, client_id: undefined });
    await rejectsWith(
      verifier.verify(await issuer.sign(idToken, { header: { typ: undefined } })),
      'ERR_TOKEN_INVALID',
    );
  });

  for (const missing of ['idp', 'name', 'sid']) {
    it(`rejects a token without ${missing}: it is not a Byline commenter token`, async () => {
      const token = await issuer.sign(issuer.claims({ [missing]: undefined }));
      await rejectsWith(verifierFor().verify(token), 'ERR_TOKEN_INVALID');
    });
  }

  it('rejects a scoped token without profile, saying the profile scope is what it lacks', async () => {
    const token = await issuer.sign(
      issuer.claims({ name: undefined, idp: undefined, scope: 'openid email' }),
    );
    await assert.rejects(verifierFor().verify(token), (error: CommenterTokenError) => {
      assert.equal(error.code, 'ERR_TOKEN_INVALID');
      assert.match(error.message, /profile scope/);
      return true;
    });
  });

  it('rejects a token without exp', async () => {
    const token = await issuer.sign(issuer.claims({ exp: undefined }));
    await rejectsWith(verifierFor().verify(token), 'ERR_TOKEN_INVALID');
  });

  it('rejects a tampered payload and a spliced signature', async () => {
    const verifier = verifierFor();
    const [header, payload, signature] = (await issuer.sign()).split('.');
    const tampered = base64url.encode(JSON.stringify(issuer.claims({ sub: 'wordpress:1' })));
    await rejectsWith(verifier.verify(`${header}.${tampered}.${signature}`), 'ERR_TOKEN_INVALID');
    const otherSignature = (await issuer.sign(issuer.claims({ sub: 'wordpress:1' }))).split('.')[2];
    await rejectsWith(verifier.verify(`${header}.${payload}.${otherSignature}`), 'ERR_TOKEN_INVALID');
  });
});

describe('algorithms and key headers', () => {
  it('rejects alg none without fetching anything', async () => {
    const token = await issuer.sign(undefined, { header: { alg: 'none', kid: undefined } });
    await rejectsWith(verifierFor().verify(token), 'ERR_TOKEN_INVALID');
    assert.equal(issuer.requests.total, 0);
  });

  it('rejects HS256 signed with the bytes of the public key', async () => {
    const publicKeyBytes = new TextEncoder().encode(JSON.stringify(issuer.currentKey.publicJwk));
    const token = await issuer.sign(undefined, {
      key: publicKeyBytes,
      header: { kid: issuer.currentKey.kid },
    });
    await rejectsWith(verifierFor().verify(token), 'ERR_TOKEN_INVALID');
  });

  it('rejects a published algorithm that this backend does not allow', async () => {
    const key = await issuer.createKey('RS256');
    const token = await issuer.sign(undefined, { key });
    await rejectsWith(verifierFor({ algorithms: ['ES256'] }).verify(token), 'ERR_TOKEN_INVALID');
  });

  it('refuses embedded jwk, jku, x5u and crit headers, and never fetches the jku URL', async () => {
    const attacker = await startTestIssuer();
    try {
      const key = attacker.currentKey;
      const verifier = verifierFor();
      for (const header of [
        { jwk: key.publicJwk },
        { jku: attacker.jwksUrl },
        { x5u: `${attacker.url}/cert.pem` },
        { crit: ['b64'], b64: true },
      ]) {
        const token = await attacker.sign(issuer.claims(), { header });
        await rejectsWith(verifier.verify(token), 'ERR_TOKEN_INVALID');
      }
      assert.equal(attacker.requests.total, 0);
      assert.equal(issuer.requests.total, 0);
    } finally {
      await attacker.close();
    }
  });
});

describe('the key set', () => {
  it('refetches the JWKS once for an unknown kid, then not again within the cooldown', async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
    const verifier = verifierFor({ cooldown: 30_000 });
    await verifier.verify(await issuer.sign());
    assert.equal(issuer.requests.jwks, 1);

    t.mock.timers.tick(31_000);
    const stranger = await issuer.createKey('ES256', { publish: false });
    await rejectsWith(verifier.verify(await issuer.sign(undefined, { key: stranger })), 'ERR_TOKEN_INVALID');
    assert.equal(issuer.requests.jwks, 2);

    const another = await issuer.createKey('ES256', { publish: false });
    await rejectsWith(verifier.verify(await issuer.sign(undefined, { key: another })), 'ERR_TOKEN_INVALID');
    assert.equal(issuer.requests.jwks, 2);
  });

  it('picks up a rotated key after the refetch', async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
    const verifier = verifierFor();
    await verifier.verify(await issuer.sign());

    await issuer.rotate('EdDSA');
    t.mock.timers.tick(31_000);
    const commenter = await verifier.verify(await issuer.sign());
    assert.equal(commenter.sub, 'wordpress:1234');
    assert.equal(issuer.requests.jwks, 2);
  });

  it('rejects a 100 KB token and a 5-part token as ERR_TOKEN_MALFORMED without any fetch', async () => {
    const verifier = verifierFor();
    const token = await issuer.sign();
    await rejectsWith(verifier.verify(`${token}${'A'.repeat(100 * 1024)}`), 'ERR_TOKEN_MALFORMED');
    await rejectsWith(verifier.verify(`${token}.AAAA.BBBB`), 'ERR_TOKEN_MALFORMED');
    await rejectsWith(verifier.verify('not a token at all'), 'ERR_TOKEN_MALFORMED');
    await rejectsWith(verifier.verify('bm90IGpzb24.e30.c2ln'), 'ERR_TOKEN_MALFORMED');
    assert.equal(issuer.requests.total, 0);
  });

  it('rejects a missing token as ERR_TOKEN_MISSING', async () => {
    const verifier = verifierFor();
    await rejectsWith(verifier.verify(''), 'ERR_TOKEN_MISSING');
    await rejectsWith(verifier.verify(undefined as unknown as string), 'ERR_TOKEN_MISSING');
  });

  it('reports a JWKS that answers 500 as ERR_JWKS_UNAVAILABLE, then recovers after the cooldown', async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
    const verifier = verifierFor({ cooldown: 30_000 });
    issuer.fail('jwks', 500);
    await rejectsWith(verifier.verify(await issuer.sign()), 'ERR_JWKS_UNAVAILABLE');
    issuer.recover();
    await rejectsWith(verifier.verify(await issuer.sign()), 'ERR_JWKS_UNAVAILABLE');
    assert.equal(issuer.requests.jwks, 1, 'no second request within the cooldown');
    t.mock.timers.tick(31_000);
    assert.equal((await verifier.verify(await issuer.sign())).idp, 'wordpress');
    assert.equal(issuer.requests.jwks, 2);
  });

  it('reports a hanging JWKS as ERR_JWKS_UNAVAILABLE once the timeout passes', async () => {
    issuer.fail('jwks', 'hang');
    await rejectsWith(verifierFor({ timeout: 50 }).verify(await issuer.sign()), 'ERR_JWKS_UNAVAILABLE');
  });

  it('reports an unreachable gateway as ERR_JWKS_UNAVAILABLE', async () => {
    const token = await issuer.sign();
    const verifier = verifierFor();
    await issuer.close();
    await rejectsWith(verifier.verify(token), 'ERR_JWKS_UNAVAILABLE');
    issuer = await startTestIssuer(); // for afterEach
  });
});

describe('discovery', () => {
  it('retries a failed discovery on the first verify after the cooldown', async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
    const verifier = verifierFor({ cooldown: 30_000 });
    issuer.fail('discovery', 503);
    await rejectsWith(verifier.verify(await issuer.sign()), 'ERR_JWKS_UNAVAILABLE');
    issuer.recover();
    await rejectsWith(verifier.verify(await issuer.sign()), 'ERR_JWKS_UNAVAILABLE');
    assert.equal(issuer.requests.discovery, 1, 'no second request within the cooldown');
    t.mock.timers.tick(31_000);
    await verifier.verify(await issuer.sign());
    assert.equal(issuer.requests.discovery, 2);
  });

  it('makes no request within the cooldown after a discovery document that names another issuer', async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
    const verifier = verifierFor({ cooldown: 30_000 });
    issuer.discoveryOverrides = { issuer: 'https://elsewhere.example' };
    for (let i = 0; i < 5; i++) {
      await rejectsWith(verifier.verify(await issuer.sign()), 'ERR_JWKS_UNAVAILABLE');
    }
    assert.deepEqual(issuer.requests, { discovery: 1, jwks: 0, total: 1 });
  });

  it('refuses a discovery document that names another issuer', async () => {
    issuer.discoveryOverrides = { issuer: `${issuer.url}/` };
    await rejectsWith(verifierFor().verify(await issuer.sign()), 'ERR_JWKS_UNAVAILABLE');
    assert.equal(issuer.requests.jwks, 0);
  });

  it('makes one discovery and one JWKS request for concurrent first verifies, through the given fetch', async () => {
    let calls = 0;
    const countingFetch: typeof fetch = (input, init) => {
      calls++;
      return fetch(input, init);
    };
    const verifier = verifierFor({ fetch: countingFetch });
    const tokens = await Promise.all([1, 2, 3, 4, 5].map(() => issuer.sign()));
    const commenters = await Promise.all(tokens.map((token) => verifier.verify(token)));
    assert.equal(commenters.length, 5);
    assert.deepEqual(issuer.requests, { discovery: 1, jwks: 1, total: 2 });
    assert.equal(calls, 2);
  });
});

describe('createVerifier options', () => {
  const valid = { issuer: 'https://byline.example', audience: 'blog' };
  const wrongUses: [string, unknown][] = [
    ['no options', undefined],
    ['no issuer', { audience: 'blog' }],
    ['an issuer that is not a URL', { ...valid, issuer: 'byline.example' }],
    ['an empty audience', { ...valid, audience: '' }],
    ['an empty audience array', { ...valid, audience: [] }],
    ['a clock tolerance over 60 s', { ...valid, clockTolerance: 61 }],
    ['a negative clock tolerance', { ...valid, clockTolerance: -1 }],
    ['HS256 among the algorithms', { ...valid, algorithms: ['ES256', 'HS256'] }],
    ['alg none', { ...valid, algorithms: ['none'] }],
    ['a negative cooldown', { ...valid, cooldown: -1 }],
  ];
  for (const [what, options] of wrongUses) {
    it(`throws a TypeError for ${what}`, () => {
      assert.throws(() => createVerifier(options as VerifierOptions), TypeError);
    });
  }

  it('does nothing on the network until the first verify', async () => {
    createVerifier({ issuer: issuer.url, audience: 'blog' });
    assert.equal(issuer.requests.total, 0);
  });
});
