import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { ConfigError } from '../../src/config/errors.js';
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
      store: { kind: 'redis', url: `redis://byline:${SECRETS.redis}@redis.example:6390/0` },
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
  assert.equal(redacted.store.url, 'redis://byline:[redacted]@redis.example:6390/0');
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
        store: { kind: 'redis', url, prefix: 'b:', timeout: 2000, waitForReplicas: 'auto' },
      }) as Redacted
    ).store.url;
  assert.equal(redact('redis://:pa$$word@127.0.0.1:6390/0'), 'redis://:[redacted]@127.0.0.1:6390/0');
  assert.equal(redact('rediss://user:p@ss@host:6380'), 'rediss://user:[redacted]@host:6380');
  assert.equal(redact('redis://127.0.0.1:6390/0'), 'redis://127.0.0.1:6390/0');
});

test('the dumped YAML shows [redacted] and never a real secret', () => {
  const yaml = dumpConfigYaml(configWithSecrets());
  for (const secret of Object.values(SECRETS)) assert.ok(!yaml.includes(secret), `${secret} leaked`);
  assert.match(yaml, /secret: "?\[redacted\]"?/);
  assert.equal(parse(yaml).store.url, 'redis://byline:[redacted]@redis.example:6390/0');
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

/* biome-ignore-start lint/suspicious/noTemplateCurlyInString: config placeholders throughout */

/** A config file's contents (the template) and the config it gives in `env`. */
function fromTemplate(template: Record<string, unknown>, env: Record<string, string> = {}) {
  return { template, config: parseConfig(template, { env }) };
}

const blogSite = (secret: string) => ({
  blog: { origins: [], redirectUris: ['https://blog.example/cb'], secret },
});

test('the dump has no id keys: a site’s or a provider’s id is its key', () => {
  const dumped = parse(dumpConfigYaml(configWithSecrets()));
  assert.equal('id' in dumped.sites.blog, false);
  assert.equal('id' in dumped.providers.google, false);
  assert.equal(dumped.providers.google.type, 'oidc');
});

test('a secret that came from ${VAR} is dumped as that reference; a default in it is redacted', () => {
  const { template, config } = fromTemplate(
    {
      sites: blogSite('${SITE_SECRET}'),
      metrics: { token: '${METRICS_TOKEN:-}' },
      providers: {
        wordpress: { clientId: 'wp', clientSecret: '${WP_SECRET:-a-default-that-is-secret}' },
        facebook: { clientId: 'fb', clientSecret: 'prefix-${FB_PART}' },
      },
    },
    {
      SITE_SECRET: SECRETS.site,
      METRICS_TOKEN: SECRETS.metrics,
      WP_SECRET: SECRETS.wordpress,
      FB_PART: SECRETS.facebook,
    },
  );
  const yaml = dumpConfigYaml(config, { template });
  for (const secret of [...Object.values(SECRETS), 'a-default-that-is-secret'])
    assert.ok(!yaml.includes(secret), `${secret} leaked`);
  const dumped = parse(yaml);
  assert.equal(dumped.sites.blog.secret, '${SITE_SECRET}');
  assert.equal(dumped.metrics.token, '${METRICS_TOKEN:-}');
  assert.equal(dumped.providers.wordpress.clientSecret, '${WP_SECRET:-[redacted]}');
  assert.equal(dumped.providers.facebook.clientSecret, '[redacted]', 'only a whole-value reference is kept');
});

test('a redis URL keeps a ${VAR} password or a ${VAR} URL, and redacts a literal password', () => {
  const dumpedUrl = (url: string, env: Record<string, string> = {}) => {
    const { template, config } = fromTemplate(
      { store: { kind: 'redis', url }, sites: blogSite('site-secret-0123456789') },
      env,
    );
    return parse(dumpConfigYaml(config, { template })).store.url;
  };
  const env = { REDIS_PASSWORD: SECRETS.redis, REDIS_HOST: 'redis.internal', REDIS_URL: 'redis://:x@h:1/0' };
  assert.equal(
    dumpedUrl('redis://:${REDIS_PASSWORD}@redis.example:6390/0', env),
    'redis://:${REDIS_PASSWORD}@redis.example:6390/0',
  );
  assert.equal(dumpedUrl('${REDIS_URL}', env), '${REDIS_URL}');
  assert.equal(
    dumpedUrl('${REDIS_URL:-redis://:pw@localhost:6390/0}'),
    '${REDIS_URL:-redis://:[redacted]@localhost:6390/0}',
  );
  assert.equal(
    dumpedUrl('redis://:pw@${REDIS_HOST}:6390/0', env),
    'redis://:[redacted]@${REDIS_HOST}:6390/0',
  );
  assert.equal(
    dumpedUrl(`redis://:${SECRETS.redis}@redis.example:6390/0`),
    'redis://:[redacted]@redis.example:6390/0',
  );
});

test('a provider’s endpoints.token is a URL, not a secret: it is dumped as it is', () => {
  const config = parseConfig({
    sites: blogSite('site-secret-0123456789'),
    providers: {
      wordpress: {
        clientId: 'wp',
        clientSecret: 'x',
        endpoints: { token: 'https://wp.example/oauth2/token' },
      },
    },
  });
  assert.equal(
    parse(dumpConfigYaml(config)).providers.wordpress.endpoints.token,
    'https://wp.example/oauth2/token',
  );
});

test('a literal ${ in a value is dumped escaped ($${), so that it reads back the same', () => {
  const { template, config } = fromTemplate({
    sites: { blog: { name: 'Costs $${AMOUNT}', origins: [], redirectUris: ['https://blog.example/cb'] } },
  });
  assert.equal(config.sites.blog?.name, 'Costs ${AMOUNT}');
  const dumped = parse(dumpConfigYaml(config, { template }));
  assert.equal(dumped.sites.blog.name, 'Costs $${AMOUNT}');
  assert.equal(parseConfig(dumped).sites.blog?.name, 'Costs ${AMOUNT}');
});

test('the loader refuses a [redacted] secret, explaining that the config is a redacted dump', () => {
  const dumped = parse(dumpConfigYaml(configWithSecrets()));
  assert.throws(
    () => parseConfig(dumped, { env: {} }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      const byPath = Object.fromEntries(error.issues.map(({ path, message }) => [path, message]));
      assert.deepEqual(Object.keys(byPath).sort(), [
        'metrics.token',
        'providers.facebook.clientSecret',
        'providers.google.clientSecret',
        'providers.wordpress.clientSecret',
        'sites.blog.secret',
        'store.url',
      ]);
      assert.equal(
        byPath['sites.blog.secret'],
        'is "[redacted]": this config is a redacted dump (byline check-config hides secrets); put the real secret back, or a ${VAR} reference to it',
      );
      assert.match(
        byPath['store.url'] ?? '',
        /^has the password "\[redacted\]": this config is a redacted dump/,
      );
      return true;
    },
  );
});

test('a ${VAR:-[redacted]} reference loads while VAR is set, and is explained once it is not', () => {
  const raw = { sites: blogSite('${SITE_SECRET:-[redacted]}') };
  assert.equal(parseConfig(raw, { env: { SITE_SECRET: SECRETS.site } }).sites.blog?.secret, SECRETS.site);
  assert.throws(() => parseConfig(raw, { env: {} }), /redacted dump/);
});

/* biome-ignore-end lint/suspicious/noTemplateCurlyInString: config placeholders throughout */
