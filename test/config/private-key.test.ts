// biome-ignore-all lint/suspicious/noTemplateCurlyInString: config files spell placeholders as ${VAR}
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ConfigError, type ConfigIssue } from '../../src/config/errors.js';
import { parseConfig } from '../../src/config/load.js';
import { dumpConfigYaml } from '../../src/config/redact.js';

const dir = mkdtempSync(join(tmpdir(), 'byline-p8-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
const rsaPem = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();

function appleConfig(apple: Record<string, unknown>, env: Record<string, string> = {}) {
  return parseConfig(
    {
      sites: { blog: { origins: ['https://blog.example'], redirectUris: ['https://blog.example/cb'] } },
      providers: {
        apple: { clientId: 'com.example.blog.login', teamId: 'TEAM123456', keyId: 'KEY7890ABC', ...apple },
      },
    },
    { env },
  );
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

describe('Sign in with Apple’s private key in the config', () => {
  test('the .p8 PEM from the environment, with real line breaks or \\n escapes, or from a file', () => {
    const escaped = pem.trim().replaceAll('\n', '\\n');
    for (const value of [pem, escaped]) {
      const config = appleConfig({ privateKey: '${APPLE_PRIVATE_KEY}' }, { APPLE_PRIVATE_KEY: value });
      assert.equal(config.providers.apple?.type, 'apple', 'the id implies the type');
    }
    const file = join(dir, 'AuthKey_KEY7890ABC.p8');
    writeFileSync(file, pem);
    const config = appleConfig({ privateKeyFile: file });
    assert.equal(config.providers.apple?.type === 'apple' && config.providers.apple.privateKeyFile, file);
  });

  test('a key that is not an EC P-256 PEM, a missing file, both or neither: refused, naming the key, never quoting it', () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [
        { privateKey: 'MIGTAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBHkwdwIBAQQg' },
        'providers.apple.privateKey',
        /is not a PEM private key/,
      ],
      [{ privateKey: rsaPem }, 'providers.apple.privateKey', /must be an EC P-256 private key/],
      [{ privateKeyFile: join(dir, 'missing.p8') }, 'providers.apple.privateKeyFile', /^no such file$/],
      [
        { privateKey: pem, privateKeyFile: join(dir, 'x.p8') },
        'providers.apple.privateKeyFile',
        /exactly one/,
      ],
      [{}, 'providers.apple.privateKey', /set exactly one of privateKey and privateKeyFile/],
    ];
    for (const [apple, path, message] of cases) {
      const issues = issuesOf(() => appleConfig(apple));
      assert.equal(issues.length, 1, JSON.stringify(issues));
      assert.equal(issues[0]?.path, path);
      assert.match(issues[0]?.message ?? '', message);
      assert.doesNotMatch(issues[0]?.message ?? '', /MIG|BEGIN PRIVATE KEY-----\n/);
    }
  });

  test('the Team ID and Key ID are Apple’s 10-character identifiers', () => {
    const issues = issuesOf(() => appleConfig({ privateKey: pem, teamId: 'team123', keyId: 'KEY7890ABCD' }));
    assert.deepEqual(
      issues.map((issue) => issue.path),
      ['providers.apple.teamId', 'providers.apple.keyId'],
    );
    assert.match(issues[0]?.message ?? '', /10-character Team ID/);
  });

  test('check-config shows the key as its ${VAR} reference, or [redacted]', () => {
    const config = appleConfig({ privateKey: '${APPLE_PRIVATE_KEY}' }, { APPLE_PRIVATE_KEY: pem });
    const template = { providers: { apple: { privateKey: '${APPLE_PRIVATE_KEY}' } } };
    assert.match(dumpConfigYaml(config, { template }), /privateKey: \$\{APPLE_PRIVATE_KEY\}/);
    const dumped = dumpConfigYaml(appleConfig({ privateKey: pem }));
    assert.match(dumped, /privateKey: "?\[redacted\]"?/);
    assert.doesNotMatch(dumped, /PRIVATE KEY-----/);
  });
});
