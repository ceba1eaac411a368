// byline-verify is published on its own so that a comment backend does not install the gateway (issue
// 13: byline-gateway/verify pulled in 235 packages). This packs the workspace as npm would publish it,
// installs the tarball into an empty project with no network and an empty npm cache, and checks that
// only byline-verify and jose arrive and that the installed package verifies a token.
// It packs the dist/ that `npm run build` (npm test's pretest) wrote, rather than rebuilding it: other
// tests run the built gateway, which loads packages/verify/dist, at the same time.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startTestIssuer } from '../support/jwt-issuer.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const packageDir = join(root, 'packages', 'verify');

/** This process's environment without the npm_* settings of an enclosing `npm test` or NODE_PATH. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) && name !== 'NODE_PATH'),
  );
}

interface Packed {
  filename: string;
  files: { path: string }[];
}

let work: string;
let tarball: Packed;
let backend: string;

function readText(path: string): string {
  return readFileSync(path, 'utf8');
}

describe('the byline-verify package', () => {
  before(async () => {
    assert.ok(
      existsSync(join(packageDir, 'dist', 'index.js')),
      'packages/verify/dist is missing: run npm run build',
    );
    work = mkdtempSync(join(tmpdir(), 'byline-verify-pack-'));
    const env = cleanEnv();
    const { stdout } = await run(
      'npm',
      ['pack', '--workspace=packages/verify', '--pack-destination', work, '--ignore-scripts', '--json'],
      { cwd: root, env },
    );
    tarball = (JSON.parse(stdout) as Packed[])[0] as Packed;
    // jose comes from the tarball of the copy this repository installed: the test needs no registry.
    const jose = JSON.parse(readText(join(root, 'node_modules', 'jose', 'package.json'))) as {
      version: string;
    };
    await run(
      'npm',
      ['pack', join(root, 'node_modules', 'jose'), '--pack-destination', work, '--ignore-scripts'],
      {
        cwd: work,
        env,
      },
    );
    backend = join(work, 'backend');
    mkdirSync(backend);
    writeFileSync(
      join(backend, 'package.json'),
      JSON.stringify({
        name: 'comment-backend',
        private: true,
        type: 'module',
        // Only the version of jose that byline-verify asks for is redirected to the local tarball.
        overrides: { jose: `file:../jose-${jose.version}.tgz` },
      }),
    );
    // Offline with an empty cache: any dependency besides jose would fail the install (ENOTCACHED).
    await run(
      'npm',
      [
        'install',
        '--offline',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        '--cache',
        join(work, 'npm-cache'),
        `../${tarball.filename}`,
      ],
      { cwd: backend, env },
    );
  });

  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('declares jose as its only dependency', () => {
    const manifest = JSON.parse(readText(join(backend, 'node_modules', 'byline-verify', 'package.json')));
    assert.equal(manifest.name, 'byline-verify');
    assert.equal(manifest.license, 'MIT');
    assert.deepEqual(Object.keys(manifest.dependencies), ['jose']);
    for (const field of ['peerDependencies', 'optionalDependencies', 'bundleDependencies']) {
      assert.equal(manifest[field], undefined, field);
    }
  });

  it('installs into an empty project as byline-verify and jose, nothing else', () => {
    const installed = readdirSync(join(backend, 'node_modules')).filter((name) => !name.startsWith('.'));
    assert.deepEqual(installed.sort(), ['byline-verify', 'jose']);
    assert.equal(existsSync(join(backend, 'node_modules', 'byline-verify', 'node_modules')), false);
    assert.equal(existsSync(join(backend, 'node_modules', 'jose', 'node_modules')), false);
  });

  it('ships built JavaScript whose imports are its own modules, node: builtins and jose only', () => {
    const built = tarball.files.map((f) => f.path).filter((path) => /^dist\/.*\.js$/.test(path));
    assert.ok(built.includes('dist/index.js'), 'dist/index.js is packed');
    for (const path of built) {
      const code = readText(join(backend, 'node_modules', 'byline-verify', path));
      const specifiers = [...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']/g)].map(
        (m) => m[1],
      );
      for (const specifier of specifiers) {
        assert.ok(/^(\.\.?\/|node:|jose$)/.test(specifier as string), `${path} imports ${specifier}`);
      }
    }
  });

  it('verifies a commenter token when imported from the installed package', async () => {
    const issuer = await startTestIssuer();
    try {
      const token = await issuer.sign();
      const script = [
        "import { createVerifier } from 'byline-verify';",
        'const [issuer, token] = process.argv.slice(1);',
        "const commenter = await createVerifier({ issuer, audience: 'blog' }).verify(token);",
        'console.log(JSON.stringify({ sub: commenter.sub, site: commenter.site }));',
      ].join('\n');
      // No --conditions=source here: the backend gets the package's default export, the built dist.
      const { stdout } = await run(
        process.execPath,
        ['--input-type=module', '-e', script, issuer.url, token],
        {
          cwd: backend,
          env: cleanEnv(),
        },
      );
      assert.deepEqual(JSON.parse(stdout), { sub: 'wordpress:1234', site: 'blog' });
    } finally {
      await issuer.close();
    }
  });
});

describe('byline-gateway/verify', () => {
  it('re-exports byline-verify, built, as the gateway package installs it', async () => {
    const script = [
      "const gateway = await import('byline-gateway/verify');",
      "const sdk = await import('byline-verify');",
      'console.log(JSON.stringify({ gateway: Object.keys(gateway).sort(), same: gateway.createVerifier === sdk.createVerifier }));',
    ].join('\n');
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: root,
      env: cleanEnv(),
    });
    assert.deepEqual(JSON.parse(stdout), {
      gateway: ['CommenterTokenError', 'createVerifier', 'requireCommenter'],
      same: true,
    });
  });
});
