import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { consumersTenant, identityFromMicrosoftClaims } from '../../src/providers/presets/microsoft.js';
import { assertSiteError, loginCommenter, providerLogin } from '../support/flow.js';
import type { TestGateway } from '../support/gateway.js';
import { type MicrosoftDouble, startMicrosoftDouble } from '../support/microsoft-double.js';
import { doubleBlock, startGatewayFor } from '../support/provider-gateway.js';
import { routedFetch } from '../support/routed-fetch.js';

const contoso = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const fabrikam = 'b9419818-09af-49c2-b0c3-653adc1f376e';
const issuerOf = (tenant: string) => `https://login.microsoftonline.com/${tenant}/v2.0`;

let microsoft: MicrosoftDouble;
const gateways: TestGateway[] = [];

/** Byline with a `microsoft` provider (`tenant` as given), Microsoft's hosts routed to the double. */
async function microsoftGateway(tenant?: string): Promise<TestGateway> {
  const gateway = await startGatewayFor(
    microsoft,
    { microsoft: { ...doubleBlock(microsoft), ...(tenant ? { tenant } : {}) } },
    { fetch: routedFetch(microsoft.routes) },
  );
  gateways.push(gateway);
  return gateway;
}

before(async () => {
  microsoft = await startMicrosoftDouble();
});
after(async () => {
  for (const gateway of gateways) await gateway.close();
  await microsoft.close();
});
beforeEach(() => {
  microsoft.reset();
  microsoft.tid = contoso;
});

describe('Microsoft login on common (work, school and personal accounts)', () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await microsoftGateway();
  });

  test('a work account logs in; its email is passed on but never verified', async () => {
    const commenter = await loginCommenter(gateway, await providerLogin(gateway, 'microsoft'));
    assert.equal(commenter.sub, 'microsoft:AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ');
    assert.equal(commenter.idp, 'microsoft');
    assert.equal(commenter.name, 'Megan Bowen');
    assert.equal(commenter.email, 'meganb@contoso.example');
    assert.equal(commenter.emailVerified, false);
  });

  test('the discovered issuer holds {tenantid}: each token is checked against its own tid', async () => {
    const discovery = await fetch(`${microsoft.url}/common/v2.0/.well-known/openid-configuration`);
    assert.equal(((await discovery.json()) as { issuer: string }).issuer, issuerOf('{tenantid}'));
    for (const tid of [contoso, fabrikam, consumersTenant]) {
      microsoft.tid = tid;
      const commenter = await loginCommenter(gateway, await providerLogin(gateway, 'microsoft'));
      assert.equal(commenter.idp, 'microsoft', `an account of tenant ${tid}`);
    }
  });

  test('a token whose iss names another tenant than its tid ends the login with server_error', async () => {
    microsoft.idToken = { claims: { iss: issuerOf(fabrikam) } };
    const { location } = await providerLogin(gateway, 'microsoft');
    assertSiteError(location, 'server_error', { iss: gateway.url });
  });

  test('a token signed by a key Microsoft does not publish ends the login with server_error', async () => {
    microsoft.idToken = { unpublishedKey: true };
    const { location } = await providerLogin(gateway, 'microsoft');
    assertSiteError(location, 'server_error', { iss: gateway.url });
  });

  test('Byline discovers at common, asks for openid profile email with a nonce and S256, posts the secret', async () => {
    await providerLogin(gateway, 'microsoft');
    const authorize = microsoft.requests.find((r) => r.path.endsWith('/authorize'));
    assert.equal(authorize?.params.get('scope'), 'openid profile email');
    assert.equal(authorize?.params.get('client_id'), microsoft.clientId);
    assert.equal(authorize?.params.get('redirect_uri'), `${gateway.url}/auth/microsoft/callback`);
    assert.ok(authorize?.params.get('nonce'));
    assert.equal(authorize?.params.get('code_challenge_method'), 'S256');
    const token = microsoft.requests.find((r) => r.path.endsWith('/token'));
    assert.equal(token?.params.get('client_secret'), microsoft.clientSecret);
    assert.ok(token?.params.get('code_verifier'));
    const start = await gateway.ctx.providers.get('microsoft')?.start({ forceLogin: true });
    assert.ok(start && 'url' in start);
    assert.equal(new URL(start.url).searchParams.get('prompt'), 'login');
  });

  test('an email_verified claim is not taken as Microsoft’s word', async () => {
    microsoft.idToken = { claims: { email_verified: true } };
    const commenter = await loginCommenter(gateway, await providerLogin(gateway, 'microsoft'));
    assert.equal(commenter.emailVerified, false);
  });

  test('a reader who declines consent sends the site access_denied with its state', async () => {
    microsoft.deny = true;
    const { location } = await providerLogin(gateway, 'microsoft');
    assertSiteError(location, 'access_denied', { iss: gateway.url });
  });
});

describe('Microsoft login with a tenant pinned', () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await microsoftGateway(contoso);
  });

  test('the tenant’s accounts log in; discovery is the tenant’s own', async () => {
    const commenter = await loginCommenter(gateway, await providerLogin(gateway, 'microsoft'));
    assert.equal(commenter.name, 'Megan Bowen');
    assert.ok(
      microsoft.requests.some((r) => r.path === `/${contoso}/v2.0/.well-known/openid-configuration`),
      'discovered at the pinned tenant',
    );
  });

  test('a token from another tenant ends the login with server_error (its iss is not the tenant’s)', async () => {
    microsoft.tid = fabrikam;
    const { location } = await providerLogin(gateway, 'microsoft');
    assertSiteError(location, 'server_error', { iss: gateway.url });
  });

  test('a token with the tenant’s iss but another tid is refused: access_denied', async () => {
    microsoft.idToken = { claims: { iss: issuerOf(contoso), tid: fabrikam } };
    const { location } = await providerLogin(gateway, 'microsoft');
    assertSiteError(location, 'access_denied', { iss: gateway.url });
  });
});

describe('Microsoft login for organizations only', () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await microsoftGateway('organizations');
  });

  test('a work account logs in, a personal account is refused with access_denied', async () => {
    const commenter = await loginCommenter(gateway, await providerLogin(gateway, 'microsoft'));
    assert.equal(commenter.idp, 'microsoft');
    microsoft.tid = consumersTenant;
    const { location } = await providerLogin(gateway, 'microsoft');
    assertSiteError(location, 'access_denied', { iss: gateway.url });
  });
});

test('the profile: no username from preferred_username, no email_verified, a subject kept exact', () => {
  assert.deepEqual(
    identityFromMicrosoftClaims('microsoft', {
      sub: 'abc',
      name: ' Megan\n',
      preferred_username: 'meganb@contoso.example',
      email: 'not an email',
      email_verified: true,
    }),
    { provider: 'microsoft', id: 'abc', name: 'Megan', emailVerified: false },
  );
  assert.throws(() => identityFromMicrosoftClaims('microsoft', { sub: ' abc' }), /no usable subject/);
});
