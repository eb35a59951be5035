import type { ImportModule } from './load-sweep.js';
import { runSweep, SWEEP_USAGE } from './sweep-command.js';

/** Where the CLI writes and what environment it reads (injected so tests can run it in-process). */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Record<string, string | undefined>;
  /** How the optional AWS SDK is imported (default: `import()`); tests make it unresolvable. */
  importModule?: ImportModule;
  /** The clock in ms (default `Date.now`); tests move it past an expiry. */
  now?: () => number;
}

const USAGE = `usage: sluice <command> [options]

commands:
  sweep    abort multipart uploads left unfinished in an S3 bucket, and
           remove expired resumable uploads

${SWEEP_USAGE}`;

/**
 * Runs `sluice` with `args` (without node and the script path) and resolves
 * with the exit code: 0 done, 1 the command failed, 2 bad usage.
 */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = args;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === 'sweep') return runSweep(rest, io);
  io.stderr.write(`sluice: unknown command "${command}"\n\n${USAGE}`);
  return 2;
}
