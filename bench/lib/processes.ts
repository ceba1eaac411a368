import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Where `compileChildren` writes the child programs (git-ignored). */
export const buildDir = fileURLToPath(new URL('../.build/', import.meta.url));
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

function commandExists(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** `taskset` (util-linux) pins a process to one core; without it everything shares all cores. */
export const hasTaskset = process.platform === 'linux' && commandExists('taskset', ['--version']);

/** The core the measured server runs on, and the one the load generator (this process) runs on. */
export const serverCore = 0;
export const loadCore = 1;

/** Pins this process (every thread) to the load generator's core. */
export function pinSelf(): void {
  if (hasTaskset)
    execFileSync('taskset', ['-a', '-pc', String(loadCore), String(process.pid)], { stdio: 'ignore' });
}

const clockTicks = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU time of a process in ms, from /proc/<pid>/stat (utime and stime, in clock ticks). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces; the fields after it start with the state (field 3).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / clockTicks;
}

export interface ChildOptions {
  /** Pin to this core (when taskset exists). */
  core?: number;
  env?: Record<string, string | undefined>;
  nodeArgs?: string[];
  args?: string[];
  cwd?: string;
}

export interface Child {
  name: string;
  pid: number;
  process: ChildProcess;
  /** What the child said when it was ready (its URL, …). */
  info: Record<string, unknown>;
  cpuMs(): number;
  /** Sends a message and resolves with the first message of type `reply`. */
  ask(message: Record<string, unknown>, reply: string): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** The argv that runs `node <nodeArgs> <script> <args>`, pinned to `core` when possible. */
export function nodeCommand(script: string, options: ChildOptions = {}): [string, string[]] {
  const node = [...(options.nodeArgs ?? []), script, ...(options.args ?? [])];
  return hasTaskset && options.core !== undefined
    ? ['taskset', ['-c', String(options.core), process.execPath, ...node]]
    : [process.execPath, node];
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Stops a child: SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
export async function stopProcess(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  if (!(await waitForExit(child, graceMs))) {
    child.kill('SIGKILL');
    await waitForExit(child, graceMs);
  }
}

/**
 * Starts one of the compiled child programs (`bench/.build/<name>.js`) with an IPC channel and waits for
 * its `ready` message. `taskset` execs node, so the child's pid is node's own.
 */
export async function startChild(name: string, options: ChildOptions = {}): Promise<Child> {
  const [command, args] = nodeCommand(`${buildDir}${name}.js`, options);
  const child = spawn(command, args, {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const info = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`${name} exited (${code}) before it was ready`));
    child.once('exit', onExit);
    child.once('error', reject);
    child.on('message', (message: Record<string, unknown>) => {
      if (message?.type !== 'ready') return;
      child.off('exit', onExit);
      resolve(message);
    });
  });
  const pid = child.pid as number;
  return {
    name,
    pid,
    process: child,
    info,
    cpuMs: () => cpuMs(pid),
    ask(message, reply) {
      return new Promise((resolve, reject) => {
        const onMessage = (answer: Record<string, unknown>) => {
          if (answer?.type !== reply) return;
          child.off('message', onMessage);
          child.off('exit', onExit);
          resolve(answer);
        };
        const onExit = (code: number | null) => reject(new Error(`${name} exited (${code})`));
        child.on('message', onMessage);
        child.once('exit', onExit);
        child.send(message);
      });
    },
    async stop() {
      if (child.connected) child.send({ type: 'stop' });
      if (!(await waitForExit(child, 3000))) await stopProcess(child);
    },
  };
}
