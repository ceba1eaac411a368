// A private redis-server (or redis-sentinel) on a free loopback port, for the test suite and the benchmark.
// Plain Node ESM with no dependencies: scripts/test.mjs runs it before any TypeScript loader exists.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The server runs under a small sh that holds our end of a pipe as its stdin. When this process goes
 * away, however it ended (even SIGKILL), the pipe closes and the sh stops the server; when the server
 * exits, the sh removes its directory and exits with the server's status. No server outlives its owner.
 * The sh itself writes nothing after the pid (its own stderr is /dev/null), so a closed pipe cannot stop
 * it before it has cleaned up.
 */
const supervisor = `
trap '' PIPE
dir=$1; shift
exec 3<&0 4>&2 2>/dev/null
"$@" </dev/null 2>&4 3<&- 4>&- &
server=$!
echo "$server"
{ read -r _ <&3; kill "$server" 2>/dev/null; } &
watch=$!
wait "$server"
status=$?
kill "$watch" 2>/dev/null
rm -rf "$dir"
exit "$status"
`;

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export async function freePort() {
  const probe = createServer();
  await new Promise((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', resolve);
  });
  const { port } = /** @type {import('node:net').AddressInfo} */ (probe.address());
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * The process id of the Redis answering on the port, or undefined (one short attempt). Compared with
 * our server's pid, so that a server someone else started on the port is never taken for ours.
 */
function serverPid(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const done = (pid) => {
      socket.destroy();
      resolve(pid);
    };
    socket.setTimeout(1000, () => done(undefined));
    socket.once('error', () => done(undefined));
    socket.once('connect', () => socket.write('INFO server\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk;
      const found = /process_id:(\d+)\r\n/.exec(reply);
      if (found) done(Number(found[1]));
      else if (reply.startsWith('-') && reply.includes('\r\n')) done(undefined);
    });
    socket.once('end', () => done(undefined));
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function startOnce(options, port) {
  const command = options.command ?? 'redis-server';
  const dir = mkdtempSync(join(tmpdir(), 'byline-redis-'));
  const args = [];
  if (options.config !== undefined) {
    // redis-sentinel needs its configuration in a file it may rewrite.
    const file = join(dir, 'redis.conf');
    writeFileSync(file, options.config);
    args.push(file);
  }
  args.push('--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--daemonize', 'no');
  if (command !== 'redis-sentinel') args.push('--save', '', '--appendonly', 'no');
  args.push('--loglevel', 'warning', ...(options.args ?? []));

  const child = spawn('sh', ['-c', supervisor, 'byline-redis', dir, command, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    // Its own process group: a Ctrl-C in the terminal reaches the owner, which decides when it stops.
    detached: true,
  });
  let output = '';
  let exit;
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve();
    });
    // sh could not be started at all: there will be no exit event.
    child.once('error', (error) => {
      output += `${error.message}\n`;
      exit = { code: null, signal: null };
      resolve();
    });
  });
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  const pid = new Promise((resolve) => {
    let first = '';
    child.stdout.on('data', (chunk) => {
      if (first !== undefined) {
        first += chunk;
        const newline = first.indexOf('\n');
        if (newline < 0) return;
        resolve(Number(first.slice(0, newline)));
        output += first.slice(newline + 1);
        first = undefined;
      } else if (output.length < 10_000) output += chunk;
    });
  });
  child.stderr.on('data', (chunk) => {
    if (output.length < 10_000) output += chunk;
  });
  // Neither the child nor its pipes keep the owner's event loop alive.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) stream.unref?.();
  child.stdin.on('error', () => {});

  const deadline = Date.now() + 15_000;
  while (exit === undefined && Date.now() < deadline) {
    const answering = await serverPid(port);
    if (answering !== undefined && answering === (await Promise.race([pid, exited]))) {
      const ourPid = answering;
      return {
        port,
        url: `redis://127.0.0.1:${port}/0`,
        pid: ourPid,
        dir,
        exited,
        async stop(signal = 'SIGTERM') {
          if (exit === undefined) {
            try {
              process.kill(ourPid, signal);
            } catch {
              // Already gone: the supervisor is exiting by itself.
            }
          }
          child.stdin.destroy();
          // Waiting for the exit must keep the owner alive until then.
          child.ref();
          await exited;
          child.unref();
        },
      };
    }
    await Promise.race([sleep(20), exited]);
  }
  if (exit === undefined) {
    child.stdin.destroy();
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
  const said = output.trim().split('\n').slice(-2).join(' / ');
  const why = exit?.code === 127 ? `${command} not found` : said || `exit ${exit?.code ?? 'timeout'}`;
  const error = new Error(`${command} did not start on 127.0.0.1:${port}: ${why}`);
  error.portTaken = /address already in use/i.test(output);
  throw error;
}

/**
 * Starts a redis-server (or `command`, e.g. redis-sentinel) on `options.port` or a free port, keeping
 * nothing on disk, and resolves once it answers PING.
 */
export async function startRedis(options = {}) {
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    try {
      return await startOnce(options, port);
    } catch (error) {
      // Another process took the free port between our probe and the server's bind: take another.
      if (!error.portTaken || options.port !== undefined || attempt >= 5) throw error;
    }
  }
}
