import { type ChildProcess, spawn } from 'node:child_process';

/** What a finished command printed and how it ended. */
export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment without the variables a package manager puts into the
 * test's own process (npm_config_*, npm_package_*, pnpm's), so npm in a
 * scratch project behaves as it does for a user in a shell.
 */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(npm_|pnpm_|PNPM_|NODE_OPTIONS$|VITEST|TEST$)/i.test(key)) env[key] = value;
  }
  return { ...env, ...extra };
}

/** Runs a command to its end; never rejects (callers assert on the code). */
export function run(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 170_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs a command and rejects with its output unless it exits 0. */
export async function runOk(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CommandResult> {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(' ')} (in ${options.cwd}) exited ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
  }
  return result;
}

/** A consumer server started in a scratch project, with the ports it printed. */
export interface StartedServer {
  ports: Record<string, number>;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `node <script>` (or `runtime` with its arguments, then the script)
 * and waits for its first stdout line, a JSON object `{ "ports": { ... } }`
 * naming the port of each server it listens on.
 */
export function startServer(script: string, options: { cwd: string; env?: NodeJS.ProcessEnv; runtime?: readonly string[] }): Promise<StartedServer> {
  return new Promise((resolve, reject) => {
    const [command = process.execPath, ...args] = options.runtime ?? [];
    const child = spawn(command, [...args, script], { cwd: options.cwd, env: options.env ?? cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let started = false;
    const output = () => `--- stdout\n${stdout}\n--- stderr\n${stderr}`;
    const stop = () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('close', () => done());
        child.kill('SIGTERM');
      });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} printed no ports within 30 s\n${output()}`));
    }, 30_000);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const newline = stdout.indexOf('\n');
      if (started || newline < 0) return;
      started = true;
      clearTimeout(timer);
      try {
        const { ports } = JSON.parse(stdout.slice(0, newline)) as { ports: Record<string, number> };
        resolve({ ports, child, output, stop });
      } catch {
        child.kill('SIGKILL');
        reject(new Error(`${script} did not start with a ports line\n${output()}`));
      }
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (!started) reject(new Error(`${script} exited ${code} before listening\n${output()}`));
    });
  });
}

/**
 * The compiler errors of a `tsc` run that are Sluice's or the consumer's:
 * errors inside other packages' declarations (node_modules/, except
 * node_modules/@sluice/) are a third party's and left out.
 */
export function ownTypeErrors(output: string): { own: string[]; thirdParty: string[] } {
  const errors = output.split('\n').filter((line) => /\): error TS\d+/.test(line));
  const isThirdParty = (line: string) => line.startsWith('node_modules/') && !line.startsWith('node_modules/@sluice/');
  return { own: errors.filter((line) => !isThirdParty(line)), thirdParty: errors.filter(isThirdParty) };
}
