import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { runOk } from './command.js';
import { type PublishablePackage, publishablePackages, REPO } from './packages.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Tarball path by package name, as `pnpm pack` wrote them. */
    tarballs: Record<string, string>;
  }
}

/**
 * Packs every publishable package once for all the files of the project, the
 * way a release does: `pnpm pack` runs the prepack build, applies
 * publishConfig (dist exports, bin) and turns `workspace:` ranges into
 * versions. Core first: the adapters' builds reference its output (tsc -b);
 * then the adapters two at a time.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sluice-tarballs-'));
  const tarballs: Record<string, string> = {};
  const [core, ...queue] = publishablePackages();
  const pack = async (pkg: PublishablePackage): Promise<void> => {
    const destination = await mkdtemp(path.join(dir, `${pkg.dir}-`));
    await runOk('bash', [path.join(REPO, 'scripts/pnpm.sh'), 'pack', '--pack-destination', destination], {
      cwd: path.join(REPO, 'packages', pkg.dir),
      env: process.env,
      timeoutMs: 180_000,
    });
    const [file, ...more] = (await readdir(destination)).filter((name) => name.endsWith('.tgz'));
    if (!file || more.length > 0) throw new Error(`pnpm pack of ${pkg.name} wrote ${[file, ...more].join(', ')}`);
    tarballs[pkg.name] = path.join(destination, file);
  };
  const worker = async (): Promise<void> => {
    for (let pkg = queue.shift(); pkg; pkg = queue.shift()) await pack(pkg);
  };
  try {
    if (core?.name !== '@sluice/core') throw new Error('@sluice/core must be packed first');
    await pack(core);
    await Promise.all([worker(), worker()]);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  project.provide('tarballs', tarballs);
  return () => rm(dir, { recursive: true, force: true });
}
