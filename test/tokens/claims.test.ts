import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import type { Identity } from '../../src/identity.js';
import { claimsForScope, commenterClaims } from '../../src/tokens/claims.js';

const rootSecret = randomBytes(32);
const identity: Identity = {
  provider: 'gitlab',
  id: '42',
  name: 'Ada Lovelace',
  username: 'ada',
  email: 'ada@example.org',
  emailVerified: true,
  picture: 'https://gitlab.example/ada.png',
};
const claims = commenterClaims(identity, 'blog', { subject: 'public', rootSecret });
const noEmailClaims = { claims: [] as const };

describe('the claims a site gets', () => {
  test('the profile scope brings the handle as preferred_username beside the name', () => {
    const scoped = claimsForScope(claims, ['openid', 'profile'], noEmailClaims);
    assert.equal(scoped.preferred_username, 'ada');
    assert.equal(scoped.name, 'Ada Lovelace');
    assert.equal(scoped.email, undefined);
  });

  test('openid alone brings only the subject', () => {
    assert.deepEqual(claimsForScope(claims, ['openid'], noEmailClaims), { sub: 'gitlab:42' });
  });

  test('a request without scope gets the claims it always got: no preferred_username, no email', () => {
    const legacy = claimsForScope(claims, undefined, noEmailClaims);
    assert.deepEqual(Object.keys(legacy).sort(), ['email_verified', 'idp', 'name', 'picture', 'sub']);
  });

  test('a site configured with claims: [email] gets the address without a scope, still no handle', () => {
    const legacy = claimsForScope(claims, undefined, { claims: ['email'] });
    assert.equal(legacy.email, 'ada@example.org');
    assert.equal(legacy.preferred_username, undefined);
  });

  test('a provider without handles adds no preferred_username', () => {
    const { username: _, ...withoutHandle } = identity;
    const plain = commenterClaims(withoutHandle, 'blog', { subject: 'public', rootSecret });
    assert.equal('preferred_username' in claimsForScope(plain, ['profile'], noEmailClaims), false);
  });
});
