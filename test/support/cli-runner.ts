// `byline` from source, for tests that need a real process (env vars, signals, serve):
//   node --conditions=source --import tsx test/support/cli-runner.ts <command> [--config FILE]
// It does what bin/byline.js does with dist/cli.js, without needing a build.
import { main } from '../../src/cli.js';

const code = await main(process.argv.slice(2));
if (code !== undefined) process.exitCode = code;
