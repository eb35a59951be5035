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
  /** Milliseconds of `await import(name)` by module, one per round, rounds in order. */
  ms: Record<string, number[]>;
}

// Timed inside the child: from just before the import to just after, so Node's
// own start-up (the same for both) is not in the figure.
const TIMER = 'const t0 = performance.now(); await import(process.argv[1]); process.stdout.write(String(performance.now() - t0));';

function timeImport(stageDir: string, name: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', TIMER, name], { cwd: stageDir, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(stdout);
      if (code !== 0 || !Number.isFinite(ms)) reject(new Error(`import('${name}') failed (exit ${code}): ${stderr.trim() || stdout}`));
      else resolve(ms);
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
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? COLD_IMPORT_MODULES : [...COLD_IMPORT_MODULES].reverse();
    for (const name of order) ms[name]!.push(await timeImport(stageDir, name));
  }
  for (const name of COLD_IMPORT_MODULES) {
    const sorted = [...ms[name]!].sort((a, b) => a - b);
    options.log(`  import('${name}'): median ${sorted[sorted.length >> 1]!.toFixed(1)} ms (${sorted[0]!.toFixed(1)}–${sorted.at(-1)!.toFixed(1)})`);
  }
  return { rounds, ms };
}
