// Plain http is allowed only on loopback (red-team finding: `startsWith('127.')` let
// `http://127.attacker.example` through, client secret included). One check, src/loopback.ts: exactly
// `localhost`, an IPv4 address in 127.0.0.0/8, or `::1`, used for provider endpoints, OIDC issuers and
// the production publicUrl.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, type ConfigIssue } from '../../src/config/errors.js';
import { parseConfig } from '../../src/config/load.js';
import { isLoopbackHost, isLoopbackUrl } from '../../src/loopback.js';
import { startGateway, testSite } from '../support/gateway.js';

/** Each URL host with the decision taken for it (see src/loopback.ts for why). */
const urls: [string, boolean][] = [
  ['http://localhost:3000/', true],
  ['http://LOCALHOST/', true], // the URL parser lower-cases names
  ['http://127.0.0.1/', true],
  ['http://127.8.9.10:8080/', true], // all of 127.0.0.0/8
  ['http://127.255.255.255/', true],
  ['http://[::1]:3000/', true],
  ['http://[0:0:0:0:0:0:0:1]/', true], // the parser writes it [::1]
  // The URL parser reads these as 127.0.0.1, and that is where a client connects.
  ['http://127.1/', true],
  ['http://0x7f.1/', true],
  ['http://0177.0.0.1/', true],
  ['http://2130706433/', true],
  ['http://%31%32%37.0.0.1/', true],
  ['http://127.0.0.1./', true],
  // Names are resolved by DNS, which the name's owner controls.
  ['http://127.attacker.example/', false],
  ['http://127.0.0.1.nip.io/', false],
  ['http://127.0.0.1.attacker.example/', false],
  ['http://localhost.attacker.example/', false],
  ['http://localhost./', false],
  ['http://sub.localhost/', false],
  ['http://localhost-1/', false],
  // IPv4-mapped, unspecified and other addresses.
  ['http://[::ffff:127.0.0.1]/', false],
  ['http://[::ffff:7f00:1]/', false],
  ['http://[::]/', false],
  ['http://[::2]/', false],
  ['http://[1::1]/', false],
  ['http://[fe80::1]/', false],
  ['http://0.0.0.0/', false],
  ['http://0/', false],
  ['http://128.0.0.1/', false],
  ['http://10.0.0.1/', false],
  ['http://example.com/', false],
];

/** Bare host names (as a listen address or a `Host` would give them), without the URL parser's help. */
const hosts: [string, boolean][] = [
  ['localhost', true],
  ['LOCALHOST', true],
  ['LocalHost', true],
  ['127.0.0.1', true],
  ['127.200.1.2', true],
  ['::1', true],
  ['[::1]', true],
  ['0:0:0:0:0:0:0:1', true],
  ['0000:0000::0001', true],
  // Not dotted-quad addresses: names, which a resolver might send anywhere.
  ['127.1', false],
  ['0x7f.1', false],
  ['0x7f.0.0.1', false],
  ['0177.0.0.1', false],
  ['127.0.0.01', false],
  ['2130706433', false],
  ['127.0.0.1.', false],
  ['127.attacker.example', false],
  ['127.0.0.1.nip.io', false],
  ['localhost.', false],
  ['localhost.localdomain', false],
  [' localhost', false],
  ['127.0.0.1 ', false],
  ['::ffff:127.0.0.1', false],
  ['[::ffff:127.0.0.1]', false],
  ['::ffff:7f00:1', false],
  ['::1%lo', false],
  ['::', false],
  ['1::', false],
  ['0.0.0.0', false],
  ['', false],
  ['[]', false],
  ['[127.0.0.1]', false],
];

describe('the loopback check', () => {
  for (const [url, loopback] of urls) {
    test(`${url} ${loopback ? 'is' : 'is not'} loopback`, () => {
      assert.equal(isLoopbackUrl(url), loopback);
      assert.equal(isLoopbackUrl(new URL(url)), loopback);
    });
  }
  for (const [host, loopback] of hosts) {
    test(`the host name ${JSON.stringify(host)} ${loopback ? 'is' : 'is not'} loopback`, () => {
      assert.equal(isLoopbackHost(host), loopback);
    });
  }
  test('what is not a URL is not loopback', () => {
    for (const value of ['', 'localhost', '127.0.0.1', 'http://', '//127.0.0.1/']) {
      assert.equal(isLoopbackUrl(value), false, value);
    }
  });
});

const attacker = 'http://127.attacker.example';

describe('provider endpoints: plain http only on loopback', () => {
  const providers = (endpoint: string) => ({
    wordpress: {
      clientId: 'wp',
      clientSecret: 'wordpress-secret',
      endpoints: { token: `${endpoint}/oauth2/token` },
    },
    facebook: {
      clientId: 'fb',
      clientSecret: 'facebook-secret',
      endpoints: { token: `${endpoint}/oauth/access_token` },
    },
    corp: {
      type: 'oidc',
      name: 'Corp ID',
      issuer: 'https://id.example',
      clientId: 'corp',
      clientSecret: 'corp-secret',
      endpoints: { token: `${endpoint}/token` },
    },
  });

  for (const id of ['wordpress', 'facebook', 'corp']) {
    test(`${id}: a token endpoint on http://127.attacker.example stops start-up, naming the key`, async () => {
      const config = { providers: { [id]: providers(attacker)[id as 'wordpress'] } };
      await assert.rejects(
        startGateway({ config }),
        new RegExp(`^TypeError: providers\\.${id}\\.endpoints\\.token: must be an https URL`),
      );
    });
  }

  test('plain http on 127.0.0.1, localhost and [::1] is accepted (test doubles, local proxies)', async () => {
    for (const endpoint of ['http://127.0.0.1:9', 'http://localhost:9', 'http://[::1]:9']) {
      const gateway = await startGateway({ config: { providers: providers(endpoint) } });
      await gateway.close();
    }
  });
});

describe('an issuer on http://127.attacker.example', () => {
  const providers: Record<string, Record<string, unknown>> = {
    corp: { type: 'oidc', name: 'Corp ID', issuer: attacker, clientId: 'corp', clientSecret: 'corp-secret' },
    gitlab: { issuer: attacker, clientId: 'gitlab', clientSecret: 'gitlab-secret' },
  };
  for (const [id, provider] of Object.entries(providers))
    test(`${id}: stops start-up naming providers.${id}.issuer, and is never contacted`, async () => {
      const requested: string[] = [];
      const recordingFetch = (async (input: string | URL | Request) => {
        requested.push(input instanceof Request ? input.url : String(input));
        throw new TypeError('fetch failed'); // no DNS, no network: the test only records the attempt
      }) as typeof fetch;
      await assert.rejects(
        startGateway({ fetch: recordingFetch, config: { providers: { [id]: provider } } }),
        new RegExp(`^TypeError: providers\\.${id}\\.issuer: must be an https URL`),
      );
      assert.deepEqual(requested, [], 'nothing was sent to the attacker’s host');
    });

  test('an issuer on plain http loopback is accepted (the OIDC double, a local IdP)', async () => {
    const gateway = await startGateway({
      config: { providers: { corp: { ...providers.corp, issuer: 'http://127.0.0.1:9' } } },
    });
    await gateway.close();
  });
});

describe('publicUrl under NODE_ENV=production', () => {
  const issuesFor = (publicUrl: string): ConfigIssue[] => {
    try {
      parseConfig(
        {
          publicUrl,
          sites: { blog: testSite },
          providers: { wordpress: { clientId: 'wp', clientSecret: 'wordpress-secret' } },
        },
        { env: { NODE_ENV: 'production' } },
      );
    } catch (error) {
      if (error instanceof ConfigError) return error.issues;
      throw error;
    }
    return [];
  };

  for (const publicUrl of [
    attacker,
    'http://127.0.0.1.nip.io',
    'http://[::ffff:127.0.0.1]',
    'http://localhost.',
  ]) {
    test(`plain http on ${publicUrl} is refused, naming publicUrl`, () => {
      assert.deepEqual(issuesFor(publicUrl), [
        {
          path: 'publicUrl',
          message: 'must be an https URL when NODE_ENV=production (plain http only on loopback)',
        },
      ]);
    });
  }

  test('plain http on 127.0.0.1, localhost or [::1] is allowed', () => {
    for (const publicUrl of ['http://127.0.0.1:3000', 'http://localhost:3000', 'http://[::1]:3000'])
      assert.deepEqual(issuesFor(publicUrl), [], publicUrl);
  });
});
