import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CommandResult, runOk } from './command.js';
import { REPO } from './packages.js';

const CONSUMERS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../consumers');

/** A throw-away npm project in the system temp dir, outside the workspace. */
export interface ScratchProject {
  dir: string;
  /** `npm install <specs>` in the project; rejects with npm's output on failure. */
  npmInstall(specs: readonly string[]): Promise<CommandResult>;
  /** The version of an installed package, read from node_modules. */
  installedVersion(name: string, under?: string): Promise<string | undefined>;
  remove(): Promise<void>;
}

/**
 * Creates an ESM project (`"type": "module"`) with the consumer sources copied
 * in. It lives under the OS temp dir so that nothing of the workspace (its
 * node_modules, .npmrc, lockfile) can be found by walking up.
 */
export async function createScratchProject(label: string): Promise<ScratchProject> {
  const dir = await mkdtemp(path.join(tmpdir(), `sluice-consumer-${label}-`));
  if (dir.startsWith(REPO)) throw new Error(`scratch project ${dir} is inside the workspace`);
  await writeFile(path.join(dir, 'package.json'), `${JSON.stringify({ name: `scratch-${label}`, version: '0.0.0', private: true, type: 'module' }, null, 2)}\n`);
  await cp(CONSUMERS, dir, { recursive: true });
  return {
    dir,
    npmInstall: (specs) => runOk('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...specs], { cwd: dir, timeoutMs: 170_000 }),
    async installedVersion(name, under = '') {
      try {
        const file = path.join(dir, under, 'node_modules', name, 'package.json');
        return (JSON.parse(await readFile(file, 'utf8')) as { version: string }).version;
      } catch {
        return undefined;
      }
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
