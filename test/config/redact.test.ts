import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { parseConfig } from '../../src/config/load.js';
import { dumpConfigYaml, redactConfig } from '../../src/config/redact.js';
import type { Config } from '../../src/config/schema.js';

const SECRETS = {
  site: 'site-secret-0123456789',
  wordpress: 'wordpress-client-secret',
  facebook: 'facebook-app-secret',
  oidc: 'oidc-client-secret',
  metrics: 'metrics-bearer-token',
  redis: 'redis-password',
};

function configWithSecrets(): Config {
  return parseConfig(
    {
      store: { kind: 'redis', url: `redis://byline:${SECRETS.redis}@redis.example:6379/0` },
      metrics: { token: SECRETS.metrics },
      sites: {
        blog: { origins: [], redirectUris: ['https://blog.example/cb'], secret: SECRETS.site },
        open: { origins: [], redirectUris: ['https://open.example/cb'] },
      },
      providers: {
        wordpress: { clientId: 'wp-id', clientSecret: SECRETS.wordpress },
        facebook: { clientId: 'fb-id', clientSecret: SECRETS.facebook },
        google: {
          type: 'oidc',
          name: 'Google',
          issuer: 'https://g.example',
          clientId: 'g',
          clientSecret: SECRETS.oidc,
        },
        public: { type: 'oidc', name: 'Public', issuer: 'https://p.example', clientId: 'p' },
      },
    },
    { env: {} },
  );
}

type Redacted = {
  sites: Record<string, { secret?: string }>;
  providers: Record<string, { clientId: string; clientSecret?: string }>;
  metrics: { token?: string };
  store: { url: string };
};

test('redaction hides every secret and the redis password, and keeps everything else', () => {
  const redacted = redactConfig(configWithSecrets()) as Redacted;
  assert.equal(redacted.sites.blog?.secret, '[redacted]');
  assert.equal(redacted.providers.wordpress?.clientSecret, '[redacted]');
  assert.equal(redacted.providers.facebook?.clientSecret, '[redacted]');
  assert.equal(redacted.providers.google?.clientSecret, '[redacted]');
  assert.equal(redacted.metrics.token, '[redacted]');
  assert.equal(redacted.store.url, 'redis://byline:[redacted]@redis.example:6379/0');
  assert.equal(redacted.providers.wordpress?.clientId, 'wp-id');
});

test('secrets that are not set stay unset rather than showing as redacted', () => {
  const redacted = redactConfig(configWithSecrets()) as Redacted;
  assert.equal(redacted.sites.open?.secret, undefined);
  assert.equal(redacted.providers.public?.clientSecret, undefined);
});

test('redaction returns a copy and leaves the config alone', () => {
  const config = configWithSecrets();
  redactConfig(config);
  assert.equal(config.sites.blog?.secret, SECRETS.site);
  assert.equal(config.store.kind === 'redis' && config.store.url.includes(SECRETS.redis), true);
});

test('a redis URL keeps its user and host; only a password is hidden', () => {
  const redact = (url: string) =>
    (
      redactConfig({
        ...configWithSecrets(),
        store: { kind: 'redis', url, prefix: 'b:' },
      }) as Redacted
    ).store.url;
  assert.equal(redact('redis://:pa$$word@127.0.0.1:6379/0'), 'redis://:[redacted]@127.0.0.1:6379/0');
  assert.equal(redact('rediss://user:p@ss@host:6380'), 'rediss://user:[redacted]@host:6380');
  assert.equal(redact('redis://127.0.0.1:6379/0'), 'redis://127.0.0.1:6379/0');
});

test('the dumped YAML shows [redacted] and never a real secret', () => {
  const yaml = dumpConfigYaml(configWithSecrets());
  for (const secret of Object.values(SECRETS)) assert.ok(!yaml.includes(secret), `${secret} leaked`);
  assert.match(yaml, /secret: "?\[redacted\]"?/);
  assert.equal(parse(yaml).store.url, 'redis://byline:[redacted]@redis.example:6379/0');
});

test('the dumped YAML writes durations with units, so they read back the same in a config file', () => {
  const config = configWithSecrets();
  const dumped = parse(dumpConfigYaml(config));
  assert.equal(dumped.tokens.accessTtl, '10m');
  assert.equal(dumped.rateLimits.guest.window, '1m');
  const { tokens, session, keys, http, rateLimits } = dumped;
  const reread = parseConfig({
    sites: { a1: { origins: [], redirectUris: ['https://a.example/cb'] } },
    tokens,
    session,
    keys,
    http,
    rateLimits,
  });
  assert.deepEqual(
    [reread.tokens, reread.session, reread.keys, reread.http, reread.rateLimits],
    [config.tokens, config.session, config.keys, config.http, config.rateLimits],
  );
});
