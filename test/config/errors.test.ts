import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, formatPath } from '../../src/config/errors.js';

test('a path uses dots for keys and brackets for list indices', () => {
  assert.equal(formatPath(['sites', 'blog', 'redirectUris', 0]), 'sites.blog.redirectUris[0]');
  assert.equal(formatPath(['providers', 'dev-idp']), 'providers.dev-idp');
});

test('the root is (root), and keys that are not plain names are quoted', () => {
  assert.equal(formatPath([]), '(root)');
  assert.equal(formatPath(['sites', 'my blog', 'name']), 'sites["my blog"].name');
});

test('a ConfigError lists its issues as "path: message" lines', () => {
  const error = new ConfigError([
    { path: 'listen.port', message: 'must be at most 65535' },
    { path: 'sites', message: 'is required' },
  ]);
  assert.equal(error.message, 'listen.port: must be at most 65535\nsites: is required');
  assert.equal(error.name, 'ConfigError');
  assert.ok(error instanceof Error);
});
