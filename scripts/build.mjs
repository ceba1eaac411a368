// Transpiles src/ to dist/ (one file per module, no bundling) for the package's exports, bundles the
// CLI (dist/cli.js, what bin/byline.js runs), bundles the browser widget and transpiles the verify SDK
// (packages/verify/src → packages/verify/dist).
// Type checking is `npm run lint`'s job (tsc --noEmit); this stays fast enough to run before every start.
// `node scripts/build.mjs verify` (the SDK package's build and prepack) builds only the SDK, with its
// declaration files; the full build leaves those out, as tsc would add seconds to every start.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');
const out = join(root, 'dist');

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return relative(src, path) === 'widget' ? [] : sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

const verify = join(root, 'packages', 'verify');

async function buildVerify() {
  const verifySrc = join(verify, 'src');
  const verifyOut = join(verify, 'dist');
  rmSync(verifyOut, { recursive: true, force: true });
  await build({
    entryPoints: sources(verifySrc),
    outdir: verifyOut,
    outbase: verifySrc,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
  });
}

if (process.argv[2] === 'verify') {
  await buildVerify();
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(verify, 'tsconfig.json')], { stdio: 'inherit' });
  process.exit(0);
}

rmSync(out, { recursive: true, force: true });
const cli = join(src, 'cli.ts');
await build({
  entryPoints: sources(src).filter((path) => path !== cli),
  outdir: out,
  outbase: src,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
});
// The CLI as one module (its lazily loaded parts, such as the server and the Redis store, as chunks),
// packages left to node_modules: Node loads a module file in about half a millisecond, and the CLI's
// ~200 were a fifth of `byline serve`'s cold start (docs/performance.md).
await build({
  entryPoints: [cli],
  outdir: out,
  outbase: src,
  bundle: true,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  packages: 'external',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
});

const widget = join(src, 'widget', 'widget.ts');
if (existsSync(widget)) {
  await build({
    entryPoints: [widget],
    outfile: join(out, 'widget.js'),
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2020'],
    platform: 'browser',
    logLevel: 'warning',
  });
}

await buildVerify();
