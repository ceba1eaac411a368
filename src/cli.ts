import { ConfigError } from './config/errors.js';
import { loadConfig } from './config/load.js';
import { dumpConfigYaml } from './config/redact.js';
import { type RunningServer, startServer } from './server.js';
import { listKeys, rotateKeys } from './tokens/rotate.js';

const usage = `Usage: byline <command> [--config FILE]

Commands:
  serve                 start the gateway (default config: config/default.yaml)
  check-config          validate the config and print it with secrets redacted
  keys list             list signing keys: kid alg state created activates retires
  keys rotate [--now]   add a new signing key (it signs after keys.activationDelay, or at once with --now)
`;

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
      if (!file || file.startsWith('-')) throw new UsageError('--config needs a file');
      parsed.config = file;
    } else if (arg === '--now') parsed.now = true;
    else if (arg === '--help' || arg === '-h') parsed.command = ['help'];
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else parsed.command.push(arg);
  }
  return parsed;
}

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
    io.err(`${(error as Error).message}\n\n${usage}`);
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
        running = await startServer({ configFile: parsed.config });
        if (stopping) await running.close().then(() => process.exit(0));
        return undefined;
      }
      case 'check-config': {
        const { config } = loadConfig({ file: parsed.config, env: process.env });
        io.out(dumpConfigYaml(config));
        return 0;
      }
      case 'keys': {
        if (sub !== 'list' && sub !== 'rotate') {
          io.err(usage);
          return 2;
        }
        const { config } = loadConfig({ file: parsed.config, env: process.env });
        io.out(sub === 'list' ? await listKeys(config) : await rotateKeys(config, { now: parsed.now }));
        return 0;
      }
      case 'help':
        io.out(usage);
        return 0;
      default:
        io.err(usage);
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
