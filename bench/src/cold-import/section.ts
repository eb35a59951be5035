import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { linkInstalled, stagePackages } from './stage.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The modules timed, Sluice first; the ratio is the first ÷ the second. */
export const COLD_IMPORT_MODULES = ['@sluice/express', 'multer'] as const;

/** Cold-import times of each module, one fresh Node process per round. */
export interface ColdImportResults {
  rounds: number;
  /** Wall-clock milliseconds of `await import(name)` by module, one per round, rounds in order. */
  ms: Record<string, number[]>;
  /** CPU milliseconds (user + system) of the same imports: less swayed by other work on a shared machine. */
  cpuMs?: Record<string, number[]>;
}

// Timed inside the child: from just before the import to just after, so Node's
// own start-up (the same for both) is not in the figure.
const TIMER = [
  'const t0 = performance.now(); const c0 = process.cpuUsage();',
  'await import(process.argv[1]);',
  'const c = process.cpuUsage(c0);',
  'process.stdout.write(JSON.stringify({ wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 }));',
].join(' ');

function timeImport(stageDir: string, name: string): Promise<{ wall: number; cpu: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', TIMER, name], { cwd: stageDir, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        if (code !== 0) throw new Error(`exit ${code}`);
        resolve(JSON.parse(stdout) as { wall: number; cpu: number });
      } catch (error) {
        reject(new Error(`import('${name}') failed (${(error as Error).message}): ${stderr.trim() || stdout}`));
      }
    });
  });
}

/**
 * How long a fresh Node process takes to `await import('@sluice/express')`
 * against `import('multer')`: the price every serverless cold start pays.
 * Sluice is imported as a user's install has it (dist JavaScript, see
 * stage.ts), not through tsx. One warm-up each (fills the OS file cache),
 * then `rounds` rounds, alternating which module goes first.
 */
export async function runColdImport(options: { rounds?: number; log: (line: string) => void }): Promise<ColdImportResults> {
  const rounds = options.rounds ?? 11;
  const stageDir = path.join(repoRoot, 'bench/.out/cold-import');
  stagePackages(repoRoot, stageDir, ['core', 'express']);
  linkInstalled(path.join(repoRoot, 'bench'), stageDir, 'multer');
  for (const name of COLD_IMPORT_MODULES) await timeImport(stageDir, name);
  const ms: Record<string, number[]> = Object.fromEntries(COLD_IMPORT_MODULES.map((name) => [name, []]));
  const cpuMs: Record<string, number[]> = Object.fromEntries(COLD_IMPORT_MODULES.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? COLD_IMPORT_MODULES : [...COLD_IMPORT_MODULES].reverse();
    for (const name of order) {
      const { wall, cpu } = await timeImport(stageDir, name);
      ms[name]!.push(wall);
      cpuMs[name]!.push(cpu);
    }
  }
  const median = (values: number[]): string => [...values].sort((a, b) => a - b)[values.length >> 1]!.toFixed(1);
  for (const name of COLD_IMPORT_MODULES) {
    const sorted = [...ms[name]!].sort((a, b) => a - b);
    options.log(`  import('${name}'): median ${median(sorted)} ms (${sorted[0]!.toFixed(1)}–${sorted.at(-1)!.toFixed(1)}), CPU ${median(cpuMs[name]!)} ms`);
  }
  return { rounds, ms, cpuMs };
}
