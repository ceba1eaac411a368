import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { parseConfig } from '../../src/config/load.js';
import { describedProvider } from '../../src/providers/engine.js';
import { githubDescription, identityFromUser } from '../../src/providers/presets/github.js';
import { assertSiteError, loginCommenter, providerLogin } from '../support/flow.js';
import { type TestGateway, testSite } from '../support/gateway.js';
import { type GitHubDouble, githubEmails, githubUser, startGitHubDouble } from '../support/github-double.js';
import { testProviderContext } from '../support/provider-context.js';
import { doubleBlock, startGatewayFor } from '../support/provider-gateway.js';

describe('GitHub login', () => {
  let github: GitHubDouble;
  let gateway: TestGateway;
  before(async () => {
    github = await startGitHubDouble();
    // Nothing but the app's credentials, and the double's URLs in place of GitHub's.
    gateway = await startGatewayFor(github, { github: doubleBlock(github) });
  });
  after(async () => {
    await gateway.close();
    await github.close();
  });
  beforeEach(() => github.reset());

  test('a reader logs in: the numeric id is the subject, the primary verified address the email', async () => {
    const commenter = await loginCommenter(gateway, await providerLogin(gateway, 'github'));
    assert.equal(commenter.sub, 'github:583231');
    assert.equal(commenter.idp, 'github');
    assert.equal(commenter.name, 'The Octocat');
    assert.equal(commenter.picture, 'https://avatars.githubusercontent.com/u/583231?v=4');
    assert.equal(commenter.website, 'https://github.com/octocat');
    assert.equal(commenter.email, 'octocat@github.com', 'the primary one, not the first one listed');
    assert.equal(commenter.emailVerified, true);
    assert.deepEqual(
      github.requests.map((r) => `${r.method} ${r.path}`),
      ['GET /login/oauth/authorize', 'POST /login/oauth/access_token', 'GET /user', 'GET /user/emails'],
    );
  });

  test('Byline asks for user:email with a state and an S256 challenge, exchanges the code for JSON with the secret in the body, and calls the API as GitHub asks', async () => {
    await providerLogin(gateway, 'github');
    const [authorize, token, user, emails] = github.requests;
    assert.equal(authorize?.params.get('client_id'), github.clientId);
    assert.equal(authorize?.params.get('response_type'), 'code');
    assert.equal(authorize?.params.get('scope'), 'user:email');
    assert.equal(authorize?.params.get('redirect_uri'), `${gateway.url}/auth/github/callback`);
    assert.ok(authorize?.params.get('state'));
    assert.equal(authorize?.params.get('code_challenge_method'), 'S256');
    assert.equal(authorize?.params.get('nonce'), null, 'GitHub is not OpenID Connect');
    assert.equal(authorize?.params.get('prompt'), null);

    // Unless asked for JSON, GitHub answers form-encoded.
    assert.match(String(token?.headers.accept), /application\/json/);
    assert.equal(token?.headers.authorization, undefined);
    assert.equal(token?.params.get('client_id'), github.clientId);
    assert.equal(token?.params.get('client_secret'), github.clientSecret);
    assert.ok(token?.params.get('code_verifier'));

    for (const call of [user, emails]) {
      assert.match(String(call?.headers.authorization), /^Bearer gho_/);
      assert.equal(call?.headers['user-agent'], 'Byline');
      assert.equal(call?.headers.accept, 'application/vnd.github+json');
      assert.equal(call?.headers['x-github-api-version'], '2022-11-28');
    }
    assert.equal(emails?.query.get('per_page'), '100');
  });

  test('the double answers as GitHub does: form-encoded without Accept, and its errors with 200 OK', async () => {
    const response = await fetch(github.endpoints.token, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: github.clientId,
        client_secret: github.clientSecret,
        code: 'x',
      }),
    });
    assert.equal(response.status, 200);
    assert.match(String(response.headers.get('content-type')), /^application\/x-www-form-urlencoded/);
    assert.equal(new URLSearchParams(await response.text()).get('error'), 'bad_verification_code');
  });

  test('an unverified primary address gives no email at all, even beside verified ones', async () => {
    github.emails = githubEmails(false);
    const commenter = await loginCommenter(gateway, await providerLogin(gateway, 'github'));
    assert.equal(commenter.sub, 'github:583231', 'the login itself succeeds');
    assert.equal(commenter.email, undefined);
    assert.equal(commenter.emailVerified, false);
  });

  test('a reader without a name is called by their login', async () => {
    github.user = githubUser({ name: null });
    const commenter = await loginCommenter(gateway, await providerLogin(gateway, 'github'));
    assert.equal(commenter.name, 'octocat');
  });

  test('a reader who granted no user:email logs in without an email, and /user/emails is not called', async () => {
    github.grantedScopes = [];
    const commenter = await loginCommenter(gateway, await providerLogin(gateway, 'github'));
    assert.equal(commenter.sub, 'github:583231');
    assert.equal(commenter.email, undefined);
    assert.equal(commenter.emailVerified, false);
    assert.equal(github.to('/user/emails').length, 0);
  });

  const refusals: [string, () => void, string][] = [
    ['the reader cancelling at GitHub (error=access_denied)', () => (github.deny = true), 'access_denied'],
    [
      'a token error answered with 200 OK (bad_verification_code)',
      () => (github.tokenError = 'bad_verification_code'),
      'server_error',
    ],
    [
      'a wrong client secret (incorrect_client_credentials, 200 OK)',
      () => (github.tokenError = 'incorrect_client_credentials'),
      'server_error',
    ],
    [
      'GitHub refusing a token to an account whose primary address is unverified (unverified_user_email)',
      () => (github.tokenError = 'unverified_user_email'),
      'access_denied',
    ],
    ['a /user without a numeric id', () => (github.user = githubUser({ id: '583231' })), 'server_error'],
  ];
  for (const [name, arrange, error] of refusals) {
    test(`${name} → ${error} at the site`, async () => {
      arrange();
      const { location } = await providerLogin(gateway, 'github');
      assertSiteError(location, error, { iss: gateway.url });
      if (name.includes('token')) assert.equal(github.to('/user').length, 0, 'no profile without a token');
    });
  }
});

test('with only endpoints.userinfo overridden, a login reads the addresses beside it, never at api.github.com', async () => {
  const github = await startGitHubDouble();
  const { emails: _, ...endpoints } = github.endpoints;
  const gateway = await startGatewayFor(github, { github: { ...doubleBlock(github), endpoints } });
  try {
    const commenter = await loginCommenter(gateway, await providerLogin(gateway, 'github'));
    assert.equal(commenter.email, 'octocat@github.com');
    assert.equal(github.to('/user/emails').length, 1);
  } finally {
    await gateway.close();
    await github.close();
  }
});

describe('GitHub provider definition', () => {
  const ctx = testProviderContext({ url: 'https://byline.example' });
  const load = (github: Record<string, unknown>) =>
    parseConfig(
      { publicUrl: 'https://byline.example', sites: { blog: testSite }, providers: { github } },
      { env: {}, cwd: '/' },
    );

  test('`github: { clientId, clientSecret }` is a GitHub provider with its brand, icon and github.com by default', async () => {
    const config = load({ clientId: 'Ov23li', clientSecret: 's' }).providers.github;
    assert.equal(config?.type, 'github');
    if (config?.type !== 'github') return;
    const provider = describedProvider(githubDescription(config, ctx), ctx);
    assert.equal(provider.name, 'GitHub');
    assert.equal(provider.icon, 'https://byline.example/static/icons/github.svg');
    const started = await provider.start({ forceLogin: true });
    assert.ok('url' in started);
    assert.match(started.url, /^https:\/\/github\.com\/login\/oauth\/authorize\?/);
    assert.equal(
      new URL(started.url).searchParams.get('prompt'),
      'select_account',
      'a fresh login shows the account picker',
    );
  });

  test('endpoints.emails must be https off loopback, naming the key', () => {
    const config = load({
      clientId: 'Ov23li',
      clientSecret: 's',
      endpoints: { emails: 'http://proxy.example/user/emails' },
    }).providers.github;
    assert.equal(config?.type, 'github');
    if (config?.type !== 'github') return;
    assert.throws(
      () => githubDescription(config, ctx),
      /providers\.github\.endpoints\.emails: must be an https URL/,
    );
  });

  test('with endpoints.userinfo overridden, the addresses are read beside it; one not ending in /user needs endpoints.emails', async () => {
    const github = (endpoints: Record<string, string>) => {
      const config = load({ clientId: 'Ov23li', clientSecret: 's', endpoints }).providers.github;
      assert.equal(config?.type, 'github');
      return githubDescription(config as Extract<typeof config, { type: 'github' }>, ctx);
    };
    const emailsRead = async (description: ReturnType<typeof githubDescription>) => {
      const urls: string[] = [];
      await description.profile({
        provider: 'github',
        tokens: { access_token: 'gho_x', token_type: 'bearer' },
        params: new URLSearchParams(),
        fetchJson: async () => githubUser(),
        fetchJsonArray: async (url) => {
          urls.push(String(url));
          return githubEmails();
        },
        userinfo: async () => ({}),
      });
      return urls;
    };
    assert.deepEqual(await emailsRead(github({})), ['https://api.github.com/user/emails?per_page=100']);
    assert.deepEqual(
      await emailsRead(github({ userinfo: 'https://ghe.example/api/v3/user' })),
      ['https://ghe.example/api/v3/user/emails?per_page=100'],
      "GitHub Enterprise Server's API, not api.github.com",
    );
    assert.deepEqual(
      await emailsRead(
        github({ userinfo: 'https://proxy.example/me', emails: 'https://proxy.example/my/emails' }),
      ),
      ['https://proxy.example/my/emails?per_page=100'],
    );
    assert.throws(
      () => github({ userinfo: 'https://proxy.example/me' }),
      (error: unknown) =>
        error instanceof TypeError &&
        /^providers\.github\.endpoints\.emails: must be set/.test(error.message),
    );
  });

  test('an unknown endpoint key is refused when the config loads', () => {
    assert.throws(
      () => load({ clientId: 'i', clientSecret: 's', endpoints: { email: 'https://api.example/e' } }),
      /providers\.github\.endpoints\.email: unknown key/,
    );
  });

  test('maps /user defensively: unsafe URLs dropped, an id that is not a positive whole number refused', () => {
    assert.deepEqual(
      identityFromUser(
        'github',
        githubUser({ name: ' Ada\n', avatar_url: 'javascript:alert(1)', html_url: 'data:,x' }),
        undefined,
      ),
      { provider: 'github', id: '583231', name: 'Ada', username: 'octocat', emailVerified: false },
    );
    for (const id of [undefined, 0, -1, 1.5, '583231', Number.MAX_SAFE_INTEGER + 2])
      assert.throws(() => identityFromUser('github', githubUser({ id }), undefined), /no numeric user id/);
  });
});
