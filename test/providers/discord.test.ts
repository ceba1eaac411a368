import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { parseConfig } from '../../src/config/load.js';
import { describedProvider } from '../../src/providers/engine.js';
import { avatarUrl, discordDescription, identityFromUser } from '../../src/providers/presets/discord.js';
import { type DiscordDouble, discordUser, startDiscordDouble } from '../support/discord-double.js';
import { basicCredentials } from '../support/double-http.js';
import { assertSiteError, loginCommenter, providerLogin } from '../support/flow.js';
import { type TestGateway, testSite } from '../support/gateway.js';
import { testProviderContext } from '../support/provider-context.js';
import { doubleBlock, startGatewayFor } from '../support/provider-gateway.js';

describe('Discord login', () => {
  let discord: DiscordDouble;
  let gateway: TestGateway;
  before(async () => {
    discord = await startDiscordDouble();
    // Nothing but the application's credentials, and the double's URLs in place of Discord's.
    const block = doubleBlock(discord);
    gateway = await startGatewayFor(discord, {
      discord: block,
      'discord-bad': { ...block, type: 'discord', clientSecret: 'not-the-secret' },
    });
  });
  after(async () => {
    await gateway.close();
    await discord.close();
  });
  beforeEach(() => discord.reset());

  test('a reader logs in: the snowflake is the subject, the display name the name, the avatar built from id and hash', async () => {
    const commenter = await loginCommenter(gateway, await providerLogin(gateway, 'discord'));
    assert.equal(commenter.sub, 'discord:80351110224678912');
    assert.equal(commenter.idp, 'discord');
    assert.equal(commenter.name, 'Nelly');
    assert.equal(
      commenter.picture,
      'https://cdn.discordapp.com/avatars/80351110224678912/8342729096ea3675442027381ff50dfe.png?size=128',
    );
    assert.equal(commenter.website, undefined, 'Discord has no profile page to link');
    assert.equal(commenter.email, 'nelly@discord.com');
    assert.equal(commenter.emailVerified, true);
    assert.deepEqual(
      discord.requests.map((r) => `${r.method} ${r.path}`),
      ['GET /oauth2/authorize', 'POST /api/oauth2/token', 'GET /api/v10/users/@me'],
    );
  });

  test('Byline asks for identify email with a state and an S256 challenge and authenticates with Basic', async () => {
    await providerLogin(gateway, 'discord');
    const [authorize, token, me] = discord.requests;
    assert.equal(authorize?.params.get('client_id'), discord.clientId);
    assert.equal(authorize?.params.get('response_type'), 'code');
    assert.equal(authorize?.params.get('scope'), 'identify email');
    assert.equal(authorize?.params.get('redirect_uri'), `${gateway.url}/auth/discord/callback`);
    assert.ok(authorize?.params.get('state'));
    assert.equal(authorize?.params.get('code_challenge_method'), 'S256');
    assert.match(String(token?.headers['content-type']), /^application\/x-www-form-urlencoded/);
    assert.deepEqual(basicCredentials(token?.headers.authorization), [
      discord.clientId,
      discord.clientSecret,
    ]);
    assert.ok(token?.params.get('code_verifier'));
    assert.match(String(me?.headers.authorization), /^Bearer \S+$/);
  });

  test('an unverified address reaches the site as unverified; a reader without a display name goes by the username', async () => {
    discord.user = discordUser({ verified: false, global_name: null });
    const commenter = await loginCommenter(gateway, await providerLogin(gateway, 'discord'));
    assert.equal(commenter.email, 'nelly@discord.com');
    assert.equal(commenter.emailVerified, false);
    assert.equal(commenter.name, 'nelly');
  });

  test('a reader without an avatar gets Discord’s default one', async () => {
    discord.user = discordUser({ avatar: null });
    const commenter = await loginCommenter(gateway, await providerLogin(gateway, 'discord'));
    assert.equal(commenter.picture, 'https://cdn.discordapp.com/embed/avatars/5.png');
  });

  const refusals: [string, string, () => void, string][] = [
    [
      'the reader cancelling at Discord (error=access_denied)',
      'discord',
      () => (discord.deny = true),
      'access_denied',
    ],
    ['a token error answer (401 invalid_client)', 'discord-bad', () => {}, 'server_error'],
    [
      'a user without a snowflake id',
      'discord',
      () => (discord.user = discordUser({ id: 80351110224678912 })),
      'server_error',
    ],
  ];
  for (const [name, idp, arrange, error] of refusals) {
    test(`${name} → ${error} at the site`, async () => {
      arrange();
      const { location } = await providerLogin(gateway, idp);
      assertSiteError(location, error, { iss: gateway.url });
    });
  }
});

describe('Discord provider definition', () => {
  const ctx = testProviderContext({ url: 'https://byline.example' });

  test('`discord: { clientId, clientSecret }` is a Discord provider with its brand, icon and discord.com by default', async () => {
    const config = parseConfig(
      {
        publicUrl: 'https://byline.example',
        sites: { blog: testSite },
        providers: { discord: { clientId: '1577', clientSecret: 's' } },
      },
      { env: {}, cwd: '/' },
    ).providers.discord;
    assert.equal(config?.type, 'discord');
    if (config?.type !== 'discord') return;
    const provider = describedProvider(discordDescription(config, ctx), ctx);
    assert.equal(provider.name, 'Discord');
    assert.equal(provider.icon, 'https://byline.example/static/icons/discord.svg');
    const started = await provider.start({ forceLogin: false });
    assert.ok('url' in started);
    assert.match(started.url, /^https:\/\/discord\.com\/oauth2\/authorize\?/);
  });

  test('avatars: animated hashes as animated WebP, defaults by the new or the legacy username system', () => {
    const id = '80351110224678912';
    assert.equal(
      avatarUrl(id, 'a_1269e74af4df7417b13759eae50c83dc', '0'),
      `https://cdn.discordapp.com/avatars/${id}/a_1269e74af4df7417b13759eae50c83dc.webp?size=128&animated=true`,
    );
    assert.equal(
      avatarUrl(id, null, '0'),
      'https://cdn.discordapp.com/embed/avatars/5.png',
      '(id >> 22) % 6',
    );
    assert.equal(
      avatarUrl(id, null, '1337'),
      'https://cdn.discordapp.com/embed/avatars/2.png',
      'discriminator % 5',
    );
    assert.equal(
      avatarUrl(id, '../../evil', '0'),
      'https://cdn.discordapp.com/embed/avatars/5.png',
      'a hash that is not one is not put in a URL',
    );
  });

  test('maps /users/@me defensively', () => {
    assert.deepEqual(identityFromUser('discord', discordUser({ global_name: ' Nelly\n', email: 'no' })), {
      provider: 'discord',
      id: '80351110224678912',
      name: 'Nelly',
      username: 'nelly',
      emailVerified: false,
      picture:
        'https://cdn.discordapp.com/avatars/80351110224678912/8342729096ea3675442027381ff50dfe.png?size=128',
    });
    for (const id of [undefined, '', 'abc', ' 1', '123456789012345678901'])
      assert.throws(() => identityFromUser('discord', discordUser({ id })), /no user id/);
  });
});
