import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './byline.js';
import { nodeCommand, repoRoot, serverCore, stopProcess } from './processes.js';

/**
 * The shipped config/default.yaml with one change, its port (3000 may be taken on a shared machine).
 * `--config` takes it as complete, so no config/local.yaml is merged in.
 */
async function defaultConfig(dir: string): Promise<string> {
  const text = await readFile(join(repoRoot, 'config/default.yaml'), 'utf8');
  const port = await freePort();
  const changed = text.replace(/^(\s+port:) 3000$/m, `$1 ${port}`);
  if (changed === text)
    throw new Error('config/default.yaml no longer listens on port 3000; update the benchmark');
  const file = join(dir, 'byline.yaml');
  await writeFile(file, changed);
  return file;
}

function withoutConfigEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_ENV;
  delete env.BYLINE_CONFIG;
  return env;
}

/** ms from spawning `node bin/byline.js serve` in `dir` (its dataDir is `dir/data`) to its "listening on" line. */
async function timeServe(dir: string): Promise<number> {
  const config = await defaultConfig(dir);
  const [command, args] = nodeCommand(join(repoRoot, 'bin/byline.js'), {
    args: ['serve', '--config', config],
    core: serverCore,
  });
  const started = performance.now();
  const child = spawn(command, args, {
    cwd: dir,
    env: withoutConfigEnv(),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    return await new Promise<number>((resolve, reject) => {
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (output.includes('listening on')) resolve(performance.now() - started);
      });
      child.once('exit', (code) =>
        reject(new Error(`byline serve exited (${code}): ${output.slice(0, 500)}`)),
      );
      setTimeout(() => reject(new Error('byline serve did not listen within 20 s')), 20_000).unref();
    });
  } finally {
    await stopProcess(child);
  }
}

/** ms for `node -e 0`: the part of any cold start that is Node's own. */
async function timeNode(): Promise<number> {
  const [command, args] = nodeCommand('-e', { args: ['0'], core: serverCore });
  const started = performance.now();
  const child = spawn(command, args, { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return performance.now() - started;
}

export interface ColdStart {
  existingKeys: number[];
  newKeys: number[];
  node: number[];
}

/** `repeats` starts with the keys already in dataDir, and `repeats` with an empty one (keys generated). */
export async function coldStarts(repeats: number): Promise<ColdStart> {
  const result: ColdStart = { existingKeys: [], newKeys: [], node: [] };
  const keyed = await mkdtemp(join(tmpdir(), 'byline-bench-cold-'));
  try {
    await timeServe(keyed); // creates the keys
    for (let i = 0; i < repeats; i++) {
      result.node.push(await timeNode());
      result.existingKeys.push(await timeServe(keyed));
      const empty = await mkdtemp(join(tmpdir(), 'byline-bench-cold-'));
      try {
        result.newKeys.push(await timeServe(empty));
      } finally {
        await rm(empty, { recursive: true, force: true });
      }
    }
  } finally {
    await rm(keyed, { recursive: true, force: true });
  }
  return result;
}
