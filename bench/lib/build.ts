import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { buildDir } from './processes.js';

const childrenDir = fileURLToPath(new URL('../children/', import.meta.url));

/**
 * Transpiles bench/children/*.ts to plain JavaScript in bench/.build/, so that every process the
 * benchmark measures runs on bare `node`, with no TypeScript loader in it. npm packages stay external
 * (loaded from node_modules as in production); Byline itself is loaded from dist/ (`npm run build`).
 */
export async function compileChildren(): Promise<void> {
  const entryPoints = readdirSync(childrenDir)
    .filter((name) => name.endsWith('.ts') && name !== 'ipc.ts' && name !== 'dist.ts')
    .map((name) => join(childrenDir, name));
  await build({
    entryPoints,
    outdir: buildDir,
    bundle: true,
    packages: 'external',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
  });
}
