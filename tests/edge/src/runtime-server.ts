/**
 * Starts a server script under another runtime (Bun, Deno) as a child
 * process and waits for its `listening on PORT` line. A runtime that cannot
 * start, or a script that dies, rejects with the child's output: the suite
 * fails loudly instead of skipping.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** This package's folder: server scripts and `node_modules` resolve from here. */
export const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

const require = createRequire(import.meta.url);

function binary(packageName: string, relative: string): string {
  let root: string;
  try {
    root = dirname(require.resolve(`${packageName}/package.json`));
  } catch (error) {
    throw new Error(`${packageName} is not installed (a devDependency of @sluice/edge-tests): run pnpm install`, { cause: error });
  }
  const path = join(root, relative);
  if (!existsSync(path)) throw new Error(`${packageName} has no binary at ${path} (for bun: its postinstall must run; see onlyBuiltDependencies)`);
  return path;
}

/** The Bun binary of the npm package `bun` (its postinstall links the platform build). */
export const bunBinary = (): string => binary('bun', 'bin/bun.exe');
/** The Deno binary of the npm package `@deno/linux-x64-glibc`. */
export const denoBinary = (): string => binary('@deno/linux-x64-glibc', 'deno');

/** A server running in a child process. */
export interface RuntimeServer {
  url: string;
  /** Everything the child wrote so far (for failure messages). */
  output(): string;
  close(): Promise<void>;
}

/** Runs `command args` in this package's folder until it prints `listening on PORT`. */
export function startRuntimeServer(command: string, args: string[], timeoutMs = 60_000): Promise<RuntimeServer> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: PACKAGE_DIR, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let output = '';
    let settled = false;
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    const fail = (reason: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')}: ${reason}\n--- output ---\n${output}`));
    };
    const timer = setTimeout(() => fail(`no "listening on" line within ${timeoutMs} ms`), timeoutMs);
    const onData = (data: Buffer): void => {
      output += data.toString();
      const match = /listening on (\d+)/.exec(output);
      if (match && !settled) {
        settled = true;
        clearTimeout(timer);
        resolve({
          url: `http://127.0.0.1:${match[1]}`,
          output: () => output,
          close: async () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
            await exited;
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (error) => fail(`could not start: ${error.message}`));
    child.once('exit', (code, signal) => fail(`exited (code ${code}, signal ${signal}) before listening`));
  });
}

/** Reads the case app's store through `GET /_storage` (memory storage inside the runtime). */
export async function storageOverHttp(url: string): Promise<Map<string, Buffer>> {
  const response = await fetch(`${url}/_storage`);
  if (!response.ok) throw new Error(`GET /_storage: ${response.status} ${await response.text()}`);
  const objects = (await response.json()) as Record<string, string>;
  return new Map(Object.entries(objects).map(([key, base64]) => [key, Buffer.from(base64, 'base64')]));
}
