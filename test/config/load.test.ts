// biome-ignore-all lint/suspicious/noTemplateCurlyInString: config files spell placeholders as ${VAR}
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ConfigError, type ConfigIssue } from '../../src/config/errors.js';
import { type LoadOptions, loadConfig, packageRoot, parseConfig } from '../../src/config/load.js';
import { defaultRedisUrl } from '../../src/store/default-url.js';

const temps: string[] = [];
after(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** A temporary root with its own config/ folder (so a developer's config/local.yaml never leaks in). */
function tempRoot(files: Record<string, string> = {}, { withDefault = true } = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'byline-config-'));
  temps.push(root);
  mkdirSync(join(root, 'config'));
  if (withDefault)
    copyFileSync(join(packageRoot, 'config', 'default.yaml'), join(root, 'config', 'default.yaml'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, name), text);
  return root;
}

function load(root: string, options: LoadOptions = {}) {
  return loadConfig({ rootDir: root, cwd: root, env: {}, ...options });
}

/** The smallest valid config: one site. */
function minimal(): Record<string, unknown> {
  return {
    sites: { blog: { origins: ['https://blog.example'], redirectUris: ['https://blog.example/cb'] } },
  };
}

function issuesOf(fn: () => unknown): ConfigIssue[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  assert.fail('expected a ConfigError');
}

const DAY = 86_400_000;

/** Unset optional keys may be absent or hold undefined; compare without them. */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('the shipped default.yaml', () => {
  test('loads into the documented shape', () => {
    const root = tempRoot();
    const { config, files } = load(root);
    assert.deepEqual(files, [join(root, 'config', 'default.yaml')]);
    assert.deepEqual(plain(config), {
      publicUrl: 'http://localhost:3000',
      listen: { host: '127.0.0.1', port: 3000 },
      dataDir: join(root, 'data'),
      tokens: {
        algorithm: 'ES256',
        idTokenAlgorithm: 'RS256',
        accessTtl: 600_000,
        refreshTtl: 30 * DAY,
        subject: 'public',
        refreshReuseGrace: 0,
        clockSkew: 60_000,
      },
      session: { ttl: 30 * DAY },
      keys: { activationDelay: 600_000 },
      store: { kind: 'memory' },
      http: { trustProxy: 0, upstreamTimeout: 10_000, shutdownGrace: 10_000, allowPrivateUpstreams: false },
      rateLimits: {
        clientAuthFailures: { points: 20, window: 60_000 },
        guest: { points: 30, window: 60_000 },
        handleLookups: { points: 30, window: 600_000 },
        authorize: { points: 120, window: 60_000 },
        guestCodes: { points: 10, window: 600_000 },
        guestCodesPerEmail: { points: 5, window: 3_600_000 },
        guestWrongCodes: { points: 20, window: 86_400_000 },
        guestMailsPerSite: { points: 200, window: 3_600_000 },
      },
      metrics: {},
      log: { level: 'info' },
      demo: { enabled: true },
      sites: {
        demo: {
          id: 'demo',
          name: 'Demo Blog',
          origins: ['http://localhost:3000'],
          redirectUris: ['http://localhost:3000/demo/callback'],
          secret: 'dev-only-demo-secret',
          postLogoutRedirectUris: ['http://localhost:3000/demo'],
          guests: {
            enabled: true,
            requireEmail: true,
            requireName: true,
            verifyEmail: 'off',
            rememberVerified: false,
          },
          pkce: 'required',
          trusted: true,
          claims: [],
        },
      },
      providers: { dev: { id: 'dev', type: 'dev', name: 'Dev login' } },
    });
  });

  test('takes the demo secret and the metrics token from the environment when they are set', () => {
    const env = {
      BYLINE_DEMO_SECRET: 'a-much-longer-demo-secret',
      BYLINE_METRICS_TOKEN: 'scrape-me-0123456789',
    };
    const { config } = load(tempRoot(), { env });
    assert.equal(config.sites.demo?.secret, 'a-much-longer-demo-secret');
    assert.equal(config.metrics.token, 'scrape-me-0123456789');
  });

  test('gives raw as the interpolated file contents before validation', () => {
    const { raw } = load(tempRoot());
    const sites = (raw as { sites: { demo: { secret: string } } }).sites;
    assert.equal(sites.demo.secret, 'dev-only-demo-secret');
    assert.equal((raw as { tokens: { accessTtl: string } }).tokens.accessTtl, '10m');
  });

  test('passes the production checks except for its dev provider and its default demo secret', () => {
    const issues = issuesOf(() => load(tempRoot(), { env: { NODE_ENV: 'production' } }));
    assert.deepEqual(issues, [
      { path: 'providers.dev', message: 'the dev provider is refused when NODE_ENV=production' },
      {
        path: 'sites.demo.secret',
        message: 'is a default or placeholder secret, refused when NODE_ENV=production',
      },
    ]);
  });
});

describe('choosing and merging files', () => {
  test('local.yaml is merged over the default: mappings key by key, lists replaced', () => {
    const root = tempRoot({
      'config/local.yaml': [
        'listen:',
        '  port: 4000',
        'log: { level: debug }',
        'sites:',
        '  demo:',
        '    origins: [http://localhost:4000]',
      ].join('\n'),
    });
    const { config, files } = load(root);
    assert.deepEqual(files, [join(root, 'config', 'default.yaml'), join(root, 'config', 'local.yaml')]);
    assert.deepEqual(config.listen, { host: '127.0.0.1', port: 4000 });
    assert.equal(config.log.level, 'debug');
    assert.deepEqual(config.sites.demo?.origins, ['http://localhost:4000']);
    assert.equal(config.sites.demo?.name, 'Demo Blog', 'keys local.yaml does not mention are kept');
  });

  test('an empty value in local.yaml unsets the default one', () => {
    const root = tempRoot({ 'config/local.yaml': 'sites:\n  demo:\n    secret:\n' });
    assert.equal(load(root).config.sites.demo?.secret, undefined);
  });

  test('an explicit file replaces the default, and local.yaml is not merged over it', () => {
    const root = tempRoot({
      'config/local.yaml': 'log: { level: debug }\n',
      'mine.yaml':
        'sites:\n  blog:\n    origins: [https://blog.example]\n    redirectUris: [https://blog.example/cb]\n',
    });
    const { config, files } = load(root, { file: join(root, 'mine.yaml') });
    assert.deepEqual(files, [join(root, 'mine.yaml')]);
    assert.deepEqual(Object.keys(config.sites), ['blog']);
    assert.equal(config.log.level, 'info');
    assert.equal(config.demo.enabled, false);
  });

  test('a relative file is found from the working directory', () => {
    const root = tempRoot({
      'mine.yaml': 'sites: { blog: { origins: [], redirectUris: [https://b.example/cb] } }\n',
    });
    assert.deepEqual(load(root, { file: 'mine.yaml' }).files, [join(root, 'mine.yaml')]);
  });

  test('BYLINE_CONFIG names the file when no file is given, and a given file wins over it', () => {
    const root = tempRoot({
      'config/local.yaml': 'log: { level: debug }\n',
      'env.yaml': 'sites: { env: { origins: [], redirectUris: [https://e.example/cb] } }\n',
      'flag.yaml': 'sites: { flag: { origins: [], redirectUris: [https://f.example/cb] } }\n',
    });
    const env = { BYLINE_CONFIG: join(root, 'env.yaml') };
    const fromEnv = load(root, { env });
    assert.deepEqual(Object.keys(fromEnv.config.sites), ['env']);
    assert.equal(fromEnv.config.log.level, 'info', 'local.yaml is not merged');
    assert.deepEqual(Object.keys(load(root, { env, file: join(root, 'flag.yaml') }).config.sites), ['flag']);
  });

  test('a YAML syntax error names the file and the line', () => {
    const root = tempRoot({ 'bad.yaml': 'listen:\n  port: 3000\nsites: [a, b\nlog: x\n' });
    const file = join(root, 'bad.yaml');
    const issues = issuesOf(() => load(root, { file }));
    assert.equal(issues.length, 1);
    assert.match(
      issues[0]?.path ?? '',
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4:\\d+$`),
    );
    assert.match(issues[0]?.message ?? '', /^invalid YAML: /);
  });

  test('a duplicate key is a YAML error too', () => {
    const root = tempRoot({ 'dup.yaml': 'log: { level: info }\nlog: { level: debug }\n' });
    const issues = issuesOf(() => load(root, { file: 'dup.yaml' }));
    assert.match(issues[0]?.path ?? '', /dup\.yaml:2:1$/);
    assert.match(issues[0]?.message ?? '', /unique/);
  });

  test('a missing file is an error naming the file', () => {
    const root = tempRoot();
    assert.deepEqual(
      issuesOf(() => load(root, { file: 'nope.yaml' })),
      [{ path: join(root, 'nope.yaml'), message: 'cannot read the config file: no such file' }],
    );
    const bare = tempRoot({}, { withDefault: false });
    assert.equal(issuesOf(() => load(bare))[0]?.path, join(bare, 'config', 'default.yaml'));
  });

  test('an empty file configures nothing, so only the missing sites are reported', () => {
    const root = tempRoot({ 'empty.yaml': '# nothing yet\n' });
    assert.deepEqual(
      issuesOf(() => load(root, { file: 'empty.yaml' })),
      [{ path: 'sites', message: 'is required' }],
    );
  });

  test('an unset variable in a file names the variable and the key', () => {
    const root = tempRoot({ 'vars.yaml': 'providers:\n  wordpress:\n    clientId: ${WPCOM_CLIENT_ID}\n' });
    assert.deepEqual(
      issuesOf(() => load(root, { file: 'vars.yaml' })),
      [{ path: 'providers.wordpress.clientId', message: 'environment variable WPCOM_CLIENT_ID is not set' }],
    );
  });

  test('variables are interpolated after merging, so local.yaml can drop one the default needs', () => {
    const root = tempRoot(
      {
        'config/default.yaml':
          'sites: { blog: { origins: [], redirectUris: [https://b.example/cb], secret: "${S}" } }\n',
        'config/local.yaml': 'sites: { blog: { secret: "" } }\n',
      },
      { withDefault: false },
    );
    assert.equal(load(root).config.sites.blog?.secret, undefined);
  });
});

describe('values', () => {
  test('everything but sites has a default', () => {
    const config = parseConfig(minimal(), { env: {}, cwd: '/srv/byline' });
    assert.equal(config.publicUrl, 'http://127.0.0.1:3000');
    assert.equal(config.dataDir, '/srv/byline/data');
    assert.deepEqual(config.store, { kind: 'memory' });
    assert.equal(config.demo.enabled, false);
    assert.deepEqual(config.providers, {});
    assert.deepEqual(plain(config.sites.blog), {
      id: 'blog',
      name: 'blog',
      origins: ['https://blog.example'],
      redirectUris: ['https://blog.example/cb'],
      postLogoutRedirectUris: [],
      guests: {
        enabled: true,
        requireEmail: true,
        requireName: true,
        verifyEmail: 'off',
        rememberVerified: false,
      },
      pkce: 'required',
      trusted: false,
      claims: [],
    });
  });

  test('numeric and boolean keys accept the strings an environment variable gives', () => {
    const raw = {
      ...minimal(),
      listen: { port: '${PORT}' },
      http: { trustProxy: '2' },
      demo: { enabled: '${DEMO}' },
      tokens: { accessTtl: '${TTL}' },
      sites: { demo: { origins: ['https://demo.example'], redirectUris: ['https://demo.example/callback'] } },
    };
    const config = parseConfig(raw, { env: { PORT: '4000', DEMO: 'true', TTL: '300' } });
    assert.equal(config.listen.port, 4000);
    assert.equal(config.http.trustProxy, 2);
    assert.equal(config.demo.enabled, true);
    assert.equal(config.tokens.accessTtl, 300_000);
  });

  test('the demo needs a site called demo', () => {
    assert.throws(
      () => parseConfig({ ...minimal(), demo: { enabled: true } }),
      (error: unknown) =>
        error instanceof ConfigError && error.issues.some((issue) => issue.path === 'demo.enabled'),
    );
  });

  test('dataDir is resolved against the working directory unless absolute', () => {
    assert.equal(parseConfig({ ...minimal(), dataDir: 'keys' }, { cwd: '/srv' }).dataDir, '/srv/keys');
    assert.equal(
      parseConfig({ ...minimal(), dataDir: '/var/lib/byline' }, { cwd: '/srv' }).dataDir,
      '/var/lib/byline',
    );
  });

  test('publicUrl loses its trailing slash, and its default comes from listen', () => {
    assert.equal(
      parseConfig({ ...minimal(), publicUrl: 'https://Byline.example/' }).publicUrl,
      'https://byline.example',
    );
    assert.equal(
      parseConfig({ ...minimal(), listen: { host: '::1', port: 8080 } }).publicUrl,
      'http://[::1]:8080',
    );
    assert.equal(
      parseConfig({ ...minimal(), listen: { port: 0 }, publicUrl: 'http://127.0.0.1:9999' }).publicUrl,
      'http://127.0.0.1:9999',
    );
  });

  test('origins are normalised while redirect URIs are kept exactly as written', () => {
    const raw = {
      sites: {
        blog: {
          origins: ['HTTPS://Blog.Example:443/', 'http://localhost:8080'],
          redirectUris: ['https://Blog.Example/cb?x=1'],
        },
      },
    };
    const site = parseConfig(raw).sites.blog;
    assert.deepEqual(site?.origins, ['https://blog.example', 'http://localhost:8080']);
    assert.deepEqual(site?.redirectUris, ['https://Blog.Example/cb?x=1']);
  });

  test('a built-in id implies the provider type, and each type has its defaults', () => {
    const raw = {
      ...minimal(),
      providers: {
        wordpress: { clientId: 'wp-id', clientSecret: 'wp-secret' },
        facebook: { clientId: 'fb-id', clientSecret: 'fb-secret' },
        dev: {},
        google: { type: 'oidc', name: 'Google', issuer: 'https://accounts.google.com', clientId: 'g-id' },
      },
    };
    assert.deepEqual(plain(parseConfig(raw).providers), {
      wordpress: {
        id: 'wordpress',
        type: 'wordpress',
        name: 'WordPress.com',
        clientId: 'wp-id',
        clientSecret: 'wp-secret',
      },
      facebook: {
        id: 'facebook',
        type: 'facebook',
        name: 'Facebook',
        clientId: 'fb-id',
        clientSecret: 'fb-secret',
        graphApiVersion: 'v21.0',
      },
      dev: { id: 'dev', type: 'dev', name: 'Dev login' },
      google: {
        id: 'google',
        type: 'oidc',
        name: 'Google',
        issuer: 'https://accounts.google.com',
        clientId: 'g-id',
        scopes: ['openid', 'profile', 'email'],
      },
    });
  });

  test('endpoints and icons are kept for upstream providers', () => {
    const endpoints = { authorization: 'http://127.0.0.1:9000/auth', token: 'http://127.0.0.1:9000/token' };
    const raw = {
      ...minimal(),
      providers: { wordpress: { clientId: 'a', clientSecret: 'b', endpoints, icon: '/static/icons/wp.svg' } },
    };
    const wordpress = parseConfig(raw).providers.wordpress;
    assert.equal(wordpress?.type, 'wordpress');
    assert.deepEqual(wordpress?.type === 'wordpress' && wordpress.endpoints, endpoints);
    assert.equal(wordpress?.icon, '/static/icons/wp.svg');
  });

  test('enabled: false drops the provider from the config', () => {
    const raw = {
      ...minimal(),
      providers: {
        wordpress: { clientId: 'a', clientSecret: 'b', enabled: false },
        dev: { enabled: 'true' },
      },
    };
    assert.deepEqual(Object.keys(parseConfig(raw).providers), ['dev']);
  });

  test('a disabled dev provider is allowed in production', () => {
    const raw = { ...minimal(), providers: { dev: { enabled: false } } };
    assert.deepEqual(parseConfig(raw, { env: { NODE_ENV: 'production' } }).providers, {});
  });

  test('an empty secret or metrics token means none', () => {
    const raw = {
      sites: { blog: { origins: [], redirectUris: ['https://blog.example/cb'], secret: '' } },
      metrics: { token: '' },
    };
    const config = parseConfig(raw);
    assert.equal(config.sites.blog?.secret, undefined);
    assert.equal(config.metrics.token, undefined);
  });

  test('the redis store has a default URL, prefix, deadline and replica rule', () => {
    assert.deepEqual(parseConfig({ ...minimal(), store: { kind: 'redis' } }).store, {
      kind: 'redis',
      url: defaultRedisUrl,
      prefix: 'byline:',
      timeout: 2000,
      waitForReplicas: 'auto',
    });
  });
});

describe('validation', () => {
  type Raw = Record<string, unknown>;
  const site = (extra: Raw) => ({
    sites: {
      blog: { origins: ['https://blog.example'], redirectUris: ['https://blog.example/cb'], ...extra },
    },
  });
  const withProviders = (providers: Raw, siteExtra: Raw = {}) => ({ ...site(siteExtra), providers });
  const cases: { what: string; raw: Raw; env?: Record<string, string>; path: string; message: RegExp }[] = [
    {
      what: 'an unknown top-level key',
      raw: { ...minimal(), foo: 1 },
      path: 'foo',
      message: /^unknown key "foo"$/,
    },
    {
      what: 'an unknown nested key',
      raw: { ...minimal(), tokens: { acessTtl: '5m' } },
      path: 'tokens.acessTtl',
      message: /^unknown key "acessTtl"$/,
    },
    {
      what: 'an unknown key in a site',
      raw: site({ redirectUri: 'https://blog.example/cb' }),
      path: 'sites.blog.redirectUri',
      message: /^unknown key/,
    },
    {
      what: 'an unknown key in a provider',
      raw: withProviders({ wordpress: { clientId: 'a', clientSecret: 'b', scopes: ['x'] } }),
      path: 'providers.wordpress.scopes',
      message: /^unknown key/,
    },
    {
      what: 'a publicUrl with a path',
      raw: { ...minimal(), publicUrl: 'https://byline.example/auth' },
      path: 'publicUrl',
      message: /must be an http\(s\) origin/,
    },
    {
      what: 'a publicUrl with a query',
      raw: { ...minimal(), publicUrl: 'https://byline.example/?a=1' },
      path: 'publicUrl',
      message: /origin/,
    },
    {
      what: 'a publicUrl that is no URL',
      raw: { ...minimal(), publicUrl: 'byline.example' },
      path: 'publicUrl',
      message: /origin/,
    },
    {
      what: 'port 0 without a publicUrl',
      raw: { ...minimal(), listen: { port: 0 } },
      path: 'publicUrl',
      message: /required when listen\.port is 0/,
    },
    {
      what: 'a port out of range',
      raw: { ...minimal(), listen: { port: 70000 } },
      path: 'listen.port',
      message: /at most 65535/,
    },
    {
      what: 'a port that is no number',
      raw: { ...minimal(), listen: { port: 'http' } },
      path: 'listen.port',
      message: /must be a number, got "http"/,
    },
    {
      what: 'an origin with a path',
      raw: site({ origins: ['https://blog.example/post'] }),
      path: 'sites.blog.origins[0]',
      message: /^must be a bare origin like https:\/\/blog\.example$/,
    },
    {
      what: 'an origin with a query',
      raw: site({ origins: ['https://blog.example', 'https://blog.example?x'] }),
      path: 'sites.blog.origins[1]',
      message: /bare origin/,
    },
    {
      what: 'a relative redirect URI',
      raw: site({ redirectUris: ['/callback'] }),
      path: 'sites.blog.redirectUris[0]',
      message: /^must be an absolute URL$/,
    },
    {
      what: 'a redirect URI with a fragment',
      raw: site({ redirectUris: ['https://blog.example/cb#top'] }),
      path: 'sites.blog.redirectUris[0]',
      message: /fragment/,
    },
    {
      what: 'a redirect URI that is not http(s)',
      raw: site({ redirectUris: ['javascript:alert(1)'] }),
      path: 'sites.blog.redirectUris[0]',
      message: /http:\/\/ or https:\/\//,
    },
    {
      what: 'a site without redirect URIs',
      raw: site({ redirectUris: [] }),
      path: 'sites.blog.redirectUris',
      message: /at least one/,
    },
    {
      what: 'a short site secret',
      raw: site({ secret: 'hunter2' }),
      path: 'sites.blog.secret',
      message: /at least 16 characters/,
    },
    {
      what: 'an origins value that is not a list',
      raw: site({ origins: 'https://blog.example' }),
      path: 'sites.blog.origins',
      message: /must be a list/,
    },
    {
      what: 'a bad site id',
      raw: { sites: { Blog: { origins: [], redirectUris: ['https://b.example/cb'] } } },
      path: 'sites.Blog',
      message: /not a valid site id/,
    },
    { what: 'no sites at all', raw: { sites: {} }, path: 'sites', message: /at least one site/ },
    { what: 'a missing sites key', raw: {}, path: 'sites', message: /^is required$/ },
    {
      what: 'the reserved provider id guest',
      raw: withProviders({ guest: { type: 'dev' } }),
      path: 'providers.guest',
      message: /reserved/,
    },
    {
      what: 'the reserved provider id dev-idp',
      raw: withProviders({ 'dev-idp': { type: 'dev' } }),
      path: 'providers.dev-idp',
      message: /reserved/,
    },
    {
      what: 'a provider id with odd characters',
      raw: withProviders({ 'My IdP': { type: 'dev' } }),
      path: 'providers["My IdP"]',
      message: /not a valid provider id/,
    },
    {
      what: 'a custom provider id without a type',
      raw: withProviders({ acme: { issuer: 'https://idp.acme.example', clientId: 'x' } }),
      path: 'providers.acme.type',
      message: /is required unless the provider id is one of wordpress, facebook, dev/,
    },
    {
      what: 'an unknown provider type',
      raw: withProviders({ twitter: { type: 'twitter' } }),
      path: 'providers.twitter.type',
      message: /must be one of "oidc", "oauth2", "wordpress", "facebook", "dev"/,
    },
    {
      what: 'an OIDC provider without an issuer',
      raw: withProviders({ google: { type: 'oidc', name: 'Google', clientId: 'x' } }),
      path: 'providers.google.issuer',
      message: /^is required$/,
    },
    {
      what: 'an OIDC provider without a name',
      raw: withProviders({ google: { type: 'oidc', issuer: 'https://accounts.google.com', clientId: 'x' } }),
      path: 'providers.google.name',
      message: /^is required$/,
    },
    {
      what: 'OIDC scopes without openid',
      raw: withProviders({
        google: { type: 'oidc', name: 'G', issuer: 'https://g.example', clientId: 'x', scopes: ['email'] },
      }),
      path: 'providers.google.scopes',
      message: /openid/,
    },
    {
      what: 'a WordPress.com provider without a client secret',
      raw: withProviders({ wordpress: { clientId: 'x' } }),
      path: 'providers.wordpress.clientSecret',
      message: /^is required$/,
    },
    {
      what: 'a site offering an unknown provider',
      raw: withProviders({ dev: {} }, { providers: ['dev', 'twitter'] }),
      path: 'sites.blog.providers[1]',
      message: /^unknown provider "twitter"$/,
    },
    {
      what: 'a site offering a disabled provider',
      raw: withProviders({ dev: { enabled: false } }, { providers: ['dev'] }),
      path: 'sites.blog.providers[0]',
      message: /^provider "dev" is disabled$/,
    },
    {
      what: 'a dev provider under NODE_ENV=production',
      raw: withProviders({ local: { type: 'dev' } }),
      env: { NODE_ENV: 'production' },
      path: 'providers.local',
      message: /^the dev provider is refused when NODE_ENV=production$/,
    },
    {
      what: 'a bad duration',
      raw: { ...minimal(), tokens: { accessTtl: '10 minutes' } },
      path: 'tokens.accessTtl',
      message: /^must be a duration like 10m, 60s or 30d$/,
    },
    {
      what: 'a negative duration',
      raw: { ...minimal(), http: { shutdownGrace: -5 } },
      path: 'http.shutdownGrace',
      message: /must be a duration/,
    },
    {
      what: 'a zero access-token lifetime',
      raw: { ...minimal(), tokens: { accessTtl: '0s' } },
      path: 'tokens.accessTtl',
      message: /longer than 0s/,
    },
    {
      what: 'a bad Graph API version',
      raw: withProviders({ facebook: { clientId: 'a', clientSecret: 'b', graphApiVersion: '21.0' } }),
      path: 'providers.facebook.graphApiVersion',
      message: /like v21\.0/,
    },
    {
      what: 'a bad endpoint URL',
      raw: withProviders({
        wordpress: { clientId: 'a', clientSecret: 'b', endpoints: { token: 'localhost:9000/token' } },
      }),
      path: 'providers.wordpress.endpoints.token',
      message: /absolute URL|http/,
    },
    {
      what: 'a bad icon',
      raw: withProviders({ dev: { icon: 'icons/dev.svg' } }),
      path: 'providers.dev.icon',
      message: /absolute URL or a \/static\//,
    },
    {
      what: 'a bad store URL',
      raw: { ...minimal(), store: { kind: 'redis', url: 'http://127.0.0.1:6390' } },
      path: 'store.url',
      message: /^must be a redis:\/\/ or rediss:\/\/ URL$/,
    },
    {
      what: 'a store without a kind',
      raw: { ...minimal(), store: { url: 'redis://x' } },
      path: 'store.kind',
      message: /is required/,
    },
    {
      what: 'an unknown log level',
      raw: { ...minimal(), log: { level: 'verbose' } },
      path: 'log.level',
      message: /must be one of "fatal"/,
    },
    {
      what: 'a boolean written as yes',
      raw: { ...minimal(), demo: { enabled: 'yes' } },
      path: 'demo.enabled',
      message: /true or false/,
    },
    {
      what: 'a rate limit of zero points',
      raw: { ...minimal(), rateLimits: { guest: { points: 0 } } },
      path: 'rateLimits.guest.points',
      message: /at least 1/,
    },
    {
      what: 'an unknown signing algorithm',
      raw: { ...minimal(), tokens: { algorithm: 'HS256' } },
      path: 'tokens.algorithm',
      message: /one of/,
    },
    {
      what: 'a config that is not a mapping',
      raw: ['sites'] as unknown as Raw,
      path: '(root)',
      message: /must be a mapping/,
    },
  ];

  for (const { what, raw, env = {}, path, message } of cases) {
    test(`${what} is reported at ${path}`, () => {
      const issues = issuesOf(() => parseConfig(raw, { env }));
      const found = issues.find((issue) => issue.path === path);
      assert.ok(found, `no issue at ${path}; got ${JSON.stringify(issues)}`);
      assert.match(found.message, message);
    });
  }

  test('every problem is reported at once, one "path: message" line each', () => {
    const raw = { ...site({ secret: 'short' }), tokens: { accessTtl: 'soon' }, extra: true };
    assert.throws(
      () => parseConfig(raw),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.name, 'ConfigError');
        assert.deepEqual(error.message.split('\n').sort(), [
          'extra: unknown key "extra"',
          'sites.blog.secret: must be at least 16 characters (or empty for none)',
          'tokens.accessTtl: must be a duration like 10m, 60s or 30d',
        ]);
        return true;
      },
    );
  });
});

test('example.production.yaml validates when its environment variables are set', () => {
  const env = {
    BYLINE_PUBLIC_URL: 'https://byline.example.com',
    REDIS_URL: 'rediss://byline:redis-password@redis.internal:6380/0',
    WPCOM_CLIENT_ID: '12345',
    WPCOM_CLIENT_SECRET: 'wpcom-secret',
    FACEBOOK_APP_ID: '67890',
    FACEBOOK_APP_SECRET: 'facebook-secret',
    GOOGLE_CLIENT_ID: 'google-id.apps.googleusercontent.com',
    GOOGLE_CLIENT_SECRET: 'google-secret',
    BLOG_SECRET: 'blog-secret-of-sixteen-plus',
    NEWS_SECRET: 'news-secret-of-sixteen-plus',
    BYLINE_METRICS_TOKEN: 'metrics-token-0123456789',
    NODE_ENV: 'production',
  };
  const file = join(packageRoot, 'config', 'example.production.yaml');
  const { config } = loadConfig({ file, env, cwd: '/srv' });
  assert.equal(config.publicUrl, 'https://byline.example.com');
  assert.equal(config.listen.port, 3000);
  assert.deepEqual(config.store, {
    kind: 'redis',
    url: env.REDIS_URL,
    prefix: 'byline:',
    timeout: 2000,
    waitForReplicas: 'auto',
  });
  assert.deepEqual(Object.keys(config.sites), ['blog', 'news']);
  assert.deepEqual(
    Object.values(config.providers).map((provider) => `${provider.id}:${provider.type}`),
    ['wordpress:wordpress', 'facebook:facebook', 'google:oidc'],
  );

  const missing = issuesOf(() => loadConfig({ file, env: {} }));
  assert.ok(
    missing.some((issue) => issue.message === 'environment variable GOOGLE_CLIENT_SECRET is not set'),
  );
});
