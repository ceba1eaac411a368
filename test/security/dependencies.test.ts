// Dependency hygiene. The npm registry reachable here does not answer `npm audit`, so the rules are
// checked against the installed tree instead (`npm ls`) and the lockfile.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { packageRoot } from '../../src/config/load.js';

const run = promisify(execFile);

/** JWT libraries with a history of algorithm-confusion bugs; Byline signs and verifies with jose only. */
const banned = ['jsonwebtoken', 'jws', 'jwa', 'jwt-simple', 'njwt', 'jsrsasign'];

test('npm ls finds no jsonwebtoken anywhere in the tree', async () => {
  // npm ls exits 1 when the package is absent; the JSON still says what was found.
  const { stdout } = await run('npm', ['ls', 'jsonwebtoken', '--all', '--json'], { cwd: packageRoot }).catch(
    (error: { stdout?: string }) => ({ stdout: error.stdout ?? '{}' }),
  );
  const found: string[] = [];
  const walk = (node: { dependencies?: Record<string, unknown> }, path: string) => {
    for (const [dep, child] of Object.entries(node.dependencies ?? {})) {
      if (dep === 'jsonwebtoken') found.push(`${path} > ${dep}`);
      walk(child as { dependencies?: Record<string, unknown> }, `${path} > ${dep}`);
    }
  };
  walk(JSON.parse(stdout || '{}') as { dependencies?: Record<string, unknown> }, 'byline-gateway');
  assert.deepEqual(found, []);
});

test('the lockfile holds no jsonwebtoken, nor another JWT library', () => {
  const lock = JSON.parse(readFileSync(join(packageRoot, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, unknown>;
  };
  const paths = Object.keys(lock.packages).filter((path) =>
    banned.some((name) => path === `node_modules/${name}` || path.endsWith(`/node_modules/${name}`)),
  );
  assert.deepEqual(paths, []);
});

test('tokens are made and checked with jose, which is a direct dependency', () => {
  const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  assert.ok(pkg.dependencies.jose);
});

test('build tools are not production dependencies: the widget is bundled at build time', () => {
  const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  for (const tool of ['esbuild', 'tsx', 'typescript'])
    assert.equal(pkg.dependencies[tool], undefined, `${tool} is a production dependency`);
  assert.doesNotMatch(
    readFileSync(join(packageRoot, 'src', 'oauth', 'endpoints', 'widget.ts'), 'utf8'),
    /from 'esbuild'|import\('esbuild'\)/,
  );
});
