import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LeaseTimings } from '@sluice/core';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'hold-lease-child.ts');

/**
 * Takes the lease on `id` in a child process (a real second holder with its
 * own Redis connection), waits until it holds it, then SIGKILLs it so it dies
 * without releasing. Resolves with the dead holder's fencing token.
 */
export async function killedHolder(url: string, prefix: string, id: string, timings: LeaseTimings): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, url, prefix, id, String(timings.ttlMs), String(timings.renewEveryMs), String(timings.commandTimeoutMs)], {
    cwd: path.dirname(CHILD),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  try {
    return await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`lease holder did not report a token within 30 s:\n${out}\n${err}`)), 30_000);
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk;
        const match = /TOKEN (\d+)/.exec(out);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`lease holder exited (code ${code}) before holding the lease:\n${out}\n${err}`));
      });
    });
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}
