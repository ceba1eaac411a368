// auth_time (OpenID Connect Core §2): when the reader authenticated. Through an OpenID provider that is
// when they authenticated there, which a single sign-on session there may have done long before.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import { codeGrant, providerLogin, siteParams } from '../../support/flow.js';
import type { TestGateway } from '../../support/gateway.js';
import { type OidcDouble, oidcProviderConfig, startOidcDouble } from '../../support/oidc-double.js';
import { startGatewayFor } from '../../support/provider-gateway.js';
import { redeem } from '../../support/tokens.js';

let idp: OidcDouble;
let gateway: TestGateway;
before(async () => {
  idp = await startOidcDouble();
  gateway = await startGatewayFor(idp, { acme: oidcProviderConfig(idp) });
});
after(async () => {
  await gateway.close();
  await idp.close();
});
beforeEach(() => idp.reset());

/** The auth_time of the ID token the site gets from a login through the double. */
async function siteAuthTime(): Promise<number> {
  const login = await providerLogin(gateway, 'acme', { params: { scope: 'openid' } });
  const code = siteParams(login.location).get('code') as string;
  const { status, body } = await redeem(gateway, codeGrant(code, login.verifier));
  assert.equal(status, 200, JSON.stringify(body));
  return decodeJwt(body.id_token as string).auth_time as number;
}

describe('auth_time', () => {
  test('is when the reader authenticated at the OpenID provider, as its ID token says', async () => {
    const upstream = Math.floor(gateway.clock.now() / 1000) - 3600;
    idp.idToken = { claims: { auth_time: upstream } };
    assert.equal(await siteAuthTime(), upstream);
  });

  test('is the login itself when the provider does not say', async () => {
    const now = Math.floor(gateway.clock.now() / 1000);
    const authTime = await siteAuthTime();
    assert.ok(authTime >= now && authTime <= now + 1, `${authTime} is the time of the login`);
  });

  test('is never later than the login, whatever a skewed provider clock says', async () => {
    const now = Math.floor(gateway.clock.now() / 1000);
    idp.idToken = { claims: { auth_time: now + 30 } };
    const authTime = await siteAuthTime();
    assert.ok(authTime <= now + 1, `${authTime} is not in the future`);
  });
});
