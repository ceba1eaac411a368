import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { packageRoot } from '../../src/config/load.js';

test('without Chromium the browser tests fail with the line that installs it, and skip nothing', async () => {
  const child = spawn(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      '--test',
      '--test-reporter=spec',
      join(packageRoot, 'test', 'browser', 'comment-form.test.ts'),
    ],
    {
      cwd: packageRoot,
      // Without NODE_TEST_CONTEXT: a runner inside a test file would otherwise skip its files.
      env: {
        ...process.env,
        NODE_TEST_CONTEXT: undefined,
        BYLINE_CHROMIUM: join(packageRoot, 'no-such-chromium'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    },
  );
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const code = await new Promise((resolve) => child.once('exit', resolve));
  assert.equal(code, 1, output);
  assert.match(output, /need Chromium at \S+no-such-chromium: install it with `apt-get install chromium`/);
  assert.match(output, /ℹ pass 0\n/);
  assert.match(output, /ℹ skipped 0\n/);
  assert.doesNotMatch(output, /ℹ fail 0\n/);
});
