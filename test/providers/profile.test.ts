import assert from 'node:assert/strict';
import { test } from 'node:test';
import { presetBase } from '../../src/providers/presets/base.js';
import { identityOf } from '../../src/providers/profile.js';
import { testProviderContext } from '../support/provider-context.js';

test('identityOf cleans every field once: text single-line, the email an address, URLs http(s) only', () => {
  assert.deepEqual(
    identityOf({
      provider: 'forge',
      id: '42',
      name: ' Ada\nLovelace ',
      username: 'ada\u0000',
      email: ' ada@example.com ',
      emailVerified: true,
      picture: 'https://img.example/ada.png',
      website: 'http://ada.example',
    }),
    {
      provider: 'forge',
      id: '42',
      name: 'Ada Lovelace',
      username: 'ada',
      email: 'ada@example.com',
      emailVerified: true,
      picture: 'https://img.example/ada.png',
      website: 'http://ada.example/',
    },
  );
  assert.deepEqual(
    identityOf({
      provider: 'forge',
      id: '42',
      name: { first: 'Ada' },
      email: 'not an address',
      emailVerified: true,
      picture: 'javascript:alert(1)',
      website: 'data:text/html,x',
    }),
    { provider: 'forge', id: '42', name: 'Anonymous', emailVerified: false },
    'what does not pass is left out; "verified" without an email is not',
  );
});

test('identityOf: the username stands in for a missing name; verified only when the provider says true', () => {
  const identity = identityOf({
    provider: 'x',
    id: '1',
    name: '  ',
    username: 'ada',
    email: 'a@example.com',
  });
  assert.equal(identity.name, 'ada');
  assert.equal(identity.emailVerified, false);
});

test("presetBase: the id, type, client id, the config's name, and its icon or the type's", () => {
  const ctx = testProviderContext({ url: 'https://byline.example' });
  const config = { id: 'corp', name: 'Corp ID', clientId: 'c' };
  assert.deepEqual(presetBase(config, ctx, 'oidc', 'openid'), {
    id: 'corp',
    type: 'oidc',
    name: 'Corp ID',
    icon: 'https://byline.example/static/icons/openid.svg',
    clientId: 'c',
  });
  assert.equal(
    presetBase({ ...config, icon: 'https://corp.example/logo.svg' }, ctx, 'oidc').icon,
    'https://corp.example/logo.svg',
  );
});
