import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from './config/errors.js';
import { loadConfig, packageRoot } from './config/load.js';
import { dumpConfigYaml } from './config/redact.js';
import type { RunningServer } from './server.js';
import { describeRotation, listKeys, rotateKeys } from './tokens/rotate.js';

const usage = `Usage: byline <command> [--config FILE]

Commands:
  serve                 start the gateway (default config: config/default.yaml)
  check-config          validate the config and print it, secrets redacted, as a config file
  keys list             list the signing keys: kid alg state created activates retires
  keys rotate [--now]   add a new signing key for every algorithm in use (access and ID tokens); they sign
                        after keys.activationDelay, or at once with --now

Options:
  --config FILE         the config file (else BYLINE_CONFIG, else config/default.yaml + config/local.yaml)
  --version             print the version
  --help                print this help
`;

const COMMANDS = ['serve', 'check-config', 'keys', 'help'];
const KEYS_COMMANDS = ['list', 'rotate'];
const OPTIONS = ['--config', '--now', '--help', '--version'];

/** The number of single-character edits between two words (Levenshtein). */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++)
      next[j] = Math.min(
        (row[j] as number) + 1,
        (next[j - 1] as number) + 1,
        (row[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    row = next;
  }
  return row[b.length] as number;
}

/** The known word a typo most likely meant: the only one it begins, else the nearest within a few edits. */
function nearest(word: string, known: readonly string[]): string | undefined {
  const prefixed = known.filter((candidate) => word.length >= 2 && candidate.startsWith(word));
  if (prefixed.length === 1) return prefixed[0];
  const scored = known
    .map((candidate) => ({ candidate, edits: distance(word, candidate) }))
    .filter(({ candidate, edits }) => edits <= Math.max(2, Math.floor(candidate.length / 3)))
    .sort((a, b) => a.edits - b.edits);
  return scored[0]?.candidate;
}

/** "unknown command "x"" with the nearest known one, and where the usage is. */
function unknown(what: string, word: string, known: readonly string[]): string {
  const guess = nearest(word, known);
  return `byline: unknown ${what} "${word}"${guess ? ` (did you mean ${guess}?)` : ''}\nRun \`byline --help\` for the usage.\n`;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

interface Parsed {
  command: string[];
  config?: string;
  now: boolean;
}

function parse(argv: string[]): Parsed {
  const parsed: Parsed = { command: [], now: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--config' || arg.startsWith('--config=')) {
      const file = arg === '--config' ? argv[++i] : arg.slice('--config='.length);
      // An empty name would silently fall back to BYLINE_CONFIG or the default config.
      if (!file || file.startsWith('-')) throw new UsageError(`byline: --config needs a file\n\n${usage}`);
      parsed.config = file;
    } else if (arg === '--now') parsed.now = true;
    else if (arg === '--help' || arg === '-h') parsed.command = ['help'];
    else if (arg === '--version' || arg === '-V') parsed.command = ['version'];
    else if (arg.startsWith('-'))
      throw new UsageError(unknown('option', arg.split('=')[0] as string, OPTIONS));
    else parsed.command.push(arg);
  }
  return parsed;
}

/** A mistake in the command line: its message is the whole answer (exit 2). */
class UsageError extends Error {}

type Out = { out(text: string): void; err(text: string): void };
const stdio: Out = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** Runs the `byline` command; resolves to an exit code, or undefined while `serve` keeps running. */
export async function main(argv: string[], io: Out = stdio): Promise<number | undefined> {
  let parsed: Parsed;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.err((error as Error).message);
    return 2;
  }
  const [command, sub] = parsed.command;
  try {
    switch (command) {
      case 'serve': {
        // Handlers go in before start-up, so a signal that arrives while it listens is not fatal.
        let stopping = false;
        let running: RunningServer | undefined;
        const stop = () => {
          stopping = true;
          running?.close().then(() => process.exit(0));
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
        // Loaded here: the other commands need none of the gateway (express, providers, the store).
        const { startServer } = await import('./server.js');
        running = await startServer({ configFile: parsed.config });
        io.err(startupMessage(running, process.stderr.isTTY));
        if (stopping) await running.close().then(() => process.exit(0));
        return undefined;
      }
      case 'check-config': {
        const { config, files, template } = loadConfig({ file: parsed.config, env: process.env });
        io.out(
          `# The effective config of ${files.join(' + ')}, as \`byline check-config\` prints it.\n` +
            `# Secrets show as the \${VAR} references they came from, or as [redacted]: put the real secret there before using this file.\n` +
            dumpConfigYaml(config, { template }),
        );
        return 0;
      }
      case 'keys': {
        if (sub === undefined) {
          io.err(`byline keys: list or rotate?\n\n${usage}`);
          return 2;
        }
        if (sub !== 'list' && sub !== 'rotate') {
          io.err(unknown('keys command', sub, KEYS_COMMANDS));
          return 2;
        }
        const { config } = loadConfig({ file: parsed.config, env: process.env });
        io.out(
          sub === 'list'
            ? await listKeys(config)
            : describeRotation(await rotateKeys(config, { now: parsed.now })),
        );
        return 0;
      }
      case 'help':
        io.out(usage);
        return 0;
      case 'version':
        io.out(`byline ${version()}\n`);
        return 0;
      case undefined:
        io.err(usage);
        return 2;
      default:
        io.err(unknown('command', command, COMMANDS));
        return 2;
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(`${error.issues.map((issue) => `${issue.path}: ${issue.message}`).join('\n')}\n`);
      return 1;
    }
    io.err(`byline: ${(error as Error).message}\n`);
    return 1;
  }
}

/**
 * The lines `serve` prints for the person who started it, beside the JSON log (on stderr, so that
 * stdout stays JSON lines for machines): where to go, and that keys were made on this first start.
 */
export function startupMessage(running: RunningServer, tty = false): string {
  const { config } = running;
  const bold = (text: string) => (tty ? `\x1b[1m${text}\x1b[22m` : text);
  const lines = [
    config.demo.enabled
      ? `Byline is running: open ${bold(`${running.url}/demo`)}`
      : `Byline is running at ${bold(running.url)}`,
  ];
  if (running.keysCreated)
    lines.push(
      `Created the signing keys in ${join(config.dataDir, 'keys')} (first start; keep that directory).`,
    );
  return `${lines.join('\n')}\n`;
}
