// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these are the placeholders under test
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../src/config/errors.js';
import { interpolate } from '../../src/config/interpolate.js';

test('a placeholder is replaced by the variable', () => {
  assert.equal(interpolate('${HOST}', { HOST: 'example.com' }), 'example.com');
});

test('a default applies when the variable is unset or empty, and not when it is set', () => {
  assert.equal(interpolate('${LEVEL:-info}', {}), 'info');
  assert.equal(interpolate('${LEVEL:-info}', { LEVEL: '' }), 'info');
  assert.equal(interpolate('${LEVEL:-info}', { LEVEL: 'debug' }), 'debug');
});

test('an empty default gives an empty string', () => {
  assert.equal(interpolate('${TOKEN:-}', {}), '');
});

test('a variable set to an empty string without a default gives an empty string', () => {
  assert.equal(interpolate('${TOKEN}', { TOKEN: '' }), '');
});

test('a string may hold several placeholders among other text', () => {
  assert.equal(
    interpolate('redis://${USER}:${PASS}@${HOST:-localhost}:6390/0', { USER: 'u', PASS: 'p' }),
    'redis://u:p@localhost:6390/0',
  );
});

test('$${ writes a literal ${ that is not interpolated', () => {
  assert.equal(interpolate('cost: $${PRICE} and ${X}', { X: 'x', PRICE: 'no' }), 'cost: ${PRICE} and x');
});

test('a default may contain colons, slashes and spaces', () => {
  assert.equal(interpolate('${URL:-redis://127.0.0.1:6390/0}', {}), 'redis://127.0.0.1:6390/0');
  assert.equal(interpolate('${NAME:-My Blog}', {}), 'My Blog');
});

test('values stay strings even when they look like numbers or booleans', () => {
  assert.equal(interpolate('${PORT}', { PORT: '3000' }), '3000');
  assert.equal(interpolate('${ON}', { ON: 'true' }), 'true');
});

test('nested objects and arrays are walked; keys and non-string values are left alone', () => {
  const input = { '${KEY}': { list: ['${A}', 1, true, null], n: 2 } };
  const copy = structuredClone(input);
  assert.deepEqual(interpolate(input, { A: 'a', KEY: 'k' }), {
    '${KEY}': { list: ['a', 1, true, null], n: 2 },
  });
  assert.deepEqual(input, copy, 'the input is not modified');
});

test('a missing variable without a default names the variable and the key', () => {
  const raw = { providers: { wordpress: { clientId: '${WPCOM_CLIENT_ID}' } } };
  assert.throws(
    () => interpolate(raw, {}),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.deepEqual(error.issues, [
        { path: 'providers.wordpress.clientId', message: 'environment variable WPCOM_CLIENT_ID is not set' },
      ]);
      assert.equal(
        error.message,
        'providers.wordpress.clientId: environment variable WPCOM_CLIENT_ID is not set',
      );
      return true;
    },
  );
});

test('every missing variable is reported at once, with array indices in the path', () => {
  const raw = { sites: { blog: { redirectUris: ['https://ok', '${CALLBACK}'], secret: '${SECRET}' } } };
  assert.throws(
    () => interpolate(raw, {}),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.deepEqual(
        error.issues.map((issue) => issue.path),
        ['sites.blog.redirectUris[1]', 'sites.blog.secret'],
      );
      return true;
    },
  );
});

test('a malformed placeholder is an error rather than text passed through', () => {
  for (const text of ['${}', '${1ABC}', '${A-B}', '${UNCLOSED', '${A:default}']) {
    assert.throws(
      () => interpolate({ key: text }, { A: 'a' }),
      { message: /^key: malformed placeholder/ },
      text,
    );
  }
});

test('a lone $ or $NAME without braces is plain text', () => {
  assert.equal(interpolate('$5 and $HOME', { HOME: '/root' }), '$5 and $HOME');
});
