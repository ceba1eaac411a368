import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createVerifier } from 'byline-gateway/verify';
import { decodeProtectedHeader } from 'jose';
import { devLogin, redeem, redeemLogin, siteParams } from '../../support/flow.js';
import { startGateway, type TestGateway } from '../../support/gateway.js';

let gateway: TestGateway;
before(async () => {
  gateway = await startGateway();
});
after(() => gateway.close());

test('a reader logs in with the dev provider through the chooser and the site gets a verifiable token', async () => {
  const { location, verifier } = await devLogin(gateway, { name: 'Ada Lovelace', email: 'ada@example.com' });
  const params = siteParams(location);
  assert.equal(params.get('state'), 'state-123');
  assert.equal(params.get('iss'), gateway.url);
  const code = params.get('code');
  assert.ok(code);

  const { status, body, headers } = await redeem(gateway, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: 'https://blog.example/callback',
    code_verifier: verifier,
    client_id: 'blog',
  });
  assert.equal(status, 200);
  assert.equal(headers.get('cache-control'), 'no-store');
  assert.equal(body.token_type, 'Bearer');
  assert.equal(body.expires_in, 600);
  assert.equal(typeof body.refresh_token, 'string');

  const token = body.access_token as string;
  assert.equal(decodeProtectedHeader(token).typ, 'at+jwt');
  const commenter = await createVerifier({ issuer: gateway.url, audience: 'blog' }).verify(token);
  assert.equal(commenter.sub, 'dev:ada-lovelace');
  assert.equal(commenter.name, 'Ada Lovelace');
  assert.equal(commenter.email, 'ada@example.com');
  assert.equal(commenter.emailVerified, true);
  assert.equal(commenter.idp, 'dev');
  assert.equal(commenter.site, 'blog');
  assert.equal(typeof commenter.sessionId, 'string');
});

test('the same reader logging in twice at one site gets the same subject but a new session id', async () => {
  const first = await devLogin(gateway, { name: 'Grace Hopper' });
  const second = await devLogin(gateway, { name: 'Grace Hopper' });
  const tokens = await Promise.all(
    [first, second].map(async ({ location, verifier }) => {
      const { body } = await redeemLogin(gateway, { location, verifier });
      return createVerifier({ issuer: gateway.url, audience: 'blog' }).verify(body.access_token as string);
    }),
  );
  assert.equal(tokens[0]?.sub, tokens[1]?.sub);
  assert.notEqual(tokens[0]?.sessionId, tokens[1]?.sessionId);
});
