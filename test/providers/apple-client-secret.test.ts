import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import {
  appleClientSecret,
  clientSecretLifetime,
  clientSecretRenewal,
} from '../../src/providers/apple-client-secret.js';
import { TestClock } from '../support/clock.js';

const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const options = { teamId: 'TEAM123456', keyId: 'KEY7890ABC', clientId: 'com.example.blog.login' };

/** The secret's claims, its signature checked with the public half of the .p8 key. */
async function verified(secret: string, clock: TestClock) {
  const { payload } = await jwtVerify(secret, keys.publicKey, {
    algorithms: ['ES256'],
    currentDate: new Date(clock.now()),
  });
  return payload;
}

test('the client secret is an ES256 JWT with kid, iss the team, sub the Services ID, aud Apple, at most six months', async () => {
  const clock = new TestClock(Date.UTC(2026, 11, 6, 12, 0, 0));
  const secret = await appleClientSecret({ ...options, key: keys.privateKey, clock })();
  assert.deepEqual(decodeProtectedHeader(secret), { alg: 'ES256', kid: 'KEY7890ABC' });
  const now = Math.floor(clock.now() / 1000);
  assert.deepEqual(await verified(secret, clock), {
    iss: 'TEAM123456',
    sub: 'com.example.blog.login',
    aud: 'https://appleid.apple.com',
    iat: now,
    exp: now + clientSecretLifetime,
  });
  assert.ok(clientSecretLifetime <= 15_777_000, 'Apple refuses a secret valid for over six months');
});

test('the secret is reused until it nears its expiry, then renewed with the injected clock’s time', async () => {
  const clock = new TestClock(Date.UTC(2026, 11, 6, 12, 0, 0));
  const secret = appleClientSecret({ ...options, key: keys.privateKey, clock });
  const first = await secret();
  clock.advance((clientSecretLifetime - clientSecretRenewal - 1) * 1000);
  assert.equal(await secret(), first, 'still more than the renewal margin left');
  clock.advance(1000);
  const second = await secret();
  assert.notEqual(second, first);
  const claims = await verified(second, clock);
  assert.equal(claims.iat, Math.floor(clock.now() / 1000));
  assert.equal(claims.exp, Math.floor(clock.now() / 1000) + clientSecretLifetime);
  assert.equal(await secret(), second, 'and the new one is reused in turn');
});
