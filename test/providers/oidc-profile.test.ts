import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { loginCommenter, providerLogin } from '../support/flow.js';
import type { TestGateway } from '../support/gateway.js';
import { type OidcDouble, oidcProviderConfig, startOidcDouble } from '../support/oidc-double.js';
import { startGatewayFor } from '../support/provider-gateway.js';

describe('an OpenID profile takes email and email_verified from one source', () => {
  let double: OidcDouble;
  let gateway: TestGateway;
  let userinfo: Record<string, unknown> = {};
  before(async () => {
    double = await startOidcDouble({ userinfo: () => userinfo });
    gateway = await startGatewayFor(double, { acme: oidcProviderConfig(double) });
  });
  after(async () => {
    await gateway.close();
    await double.close();
  });
  beforeEach(() => double.reset());

  const cases: [string, Record<string, unknown>, Record<string, unknown>, string, boolean][] = [
    [
      "the ID token's address, unverified there, is not verified by UserInfo's flag for another address",
      { email: 'ada@example.com' },
      { email: 'other@example.com', email_verified: true },
      'ada@example.com',
      false,
    ],
    [
      "the ID token's verified address stays verified beside UserInfo's unverified one",
      { email: 'ada@example.com', email_verified: true },
      { email: 'other@example.com', email_verified: false },
      'ada@example.com',
      true,
    ],
    [
      "without an address in the ID token, UserInfo's address goes with UserInfo's flag, not the ID token's",
      { email_verified: true },
      { email: 'ada@example.com', email_verified: false },
      'ada@example.com',
      false,
    ],
    [
      "without an address in the ID token, UserInfo's verified address is verified",
      {},
      { email: 'ada@example.com', email_verified: true },
      'ada@example.com',
      true,
    ],
  ];
  for (const [name, idToken, answer, email, verified] of cases)
    test(name, async () => {
      double.idToken = { claims: idToken };
      userinfo = { name: 'Ada', ...answer };
      const commenter = await loginCommenter(gateway, await providerLogin(gateway, 'acme'));
      assert.equal(commenter.email, email);
      assert.equal(commenter.emailVerified, verified);
      assert.equal(double.requests.filter((r) => r.path === '/userinfo').length, 1, 'UserInfo was read');
    });
});
