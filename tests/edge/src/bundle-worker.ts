/**
 * Bundles worker/worker.ts the two ways a Workers user would: with plain
 * esbuild, and with wrangler's own bundler (`wrangler deploy --dry-run
 * --outdir`, which bundles and stops: no account, no network).
 */
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';
import { PACKAGE_DIR } from './runtime-server.js';

/** Where the bundles go (ignored by git). */
export const BUNDLE_DIR = join(PACKAGE_DIR, '.tmp', 'bundles');
const ENTRY = join(PACKAGE_DIR, 'worker', 'worker.ts');
/** The README's Workers example. */
export const EXAMPLE_ENTRY = join(PACKAGE_DIR, 'worker', 'example.ts');

/**
 * The esbuild settings the Hono README gives Workers users: ESM for workerd,
 * Node built-ins left to `nodejs_compat`, and the `workerd`/`worker` export
 * conditions first (Hono and others publish Workers builds under them).
 *
 * The banner gives the bundle a `require` for Node built-ins: CommonJS
 * dependencies (debug under file-type, mime-types) call `require('tty')`,
 * `require('path')`, which esbuild's ESM output leaves to a `require` it
 * expects the runtime to have, and workerd has none. workerd's
 * `createRequire` needs an absolute path, not `import.meta.url` (undefined
 * there). wrangler does the equivalent itself.
 */
export const ESBUILD_WORKER_OPTIONS: esbuild.BuildOptions = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'es2022',
  conditions: ['workerd', 'worker'],
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire('/');" },
  logLevel: 'silent',
};

/** Bundles `entry` (the case app unless given) with plain esbuild; returns the script's path. */
export async function bundleWithEsbuild(entry = ENTRY): Promise<string> {
  const outfile = join(BUNDLE_DIR, 'esbuild', basename(entry, '.ts'), 'worker.js');
  await esbuild.build({ ...ESBUILD_WORKER_OPTIONS, entryPoints: [entry], outfile });
  return outfile;
}

/** Bundles with wrangler (worker/wrangler.jsonc: nodejs_compat, the BUCKET binding); returns the script's path. */
export async function bundleWithWrangler(): Promise<string> {
  const outdir = join(BUNDLE_DIR, 'wrangler');
  await mkdir(outdir, { recursive: true });
  const wrangler = join(PACKAGE_DIR, 'node_modules', '.bin', 'wrangler');
  try {
    await promisify(execFile)(wrangler, ['deploy', '--dry-run', '--outdir', outdir, '--config', join(PACKAGE_DIR, 'worker', 'wrangler.jsonc')], {
      cwd: PACKAGE_DIR,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
      timeout: 120_000,
    });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`wrangler could not bundle the worker:\n${stdout ?? ''}\n${stderr ?? ''}`, { cause: error });
  }
  return join(outdir, 'worker.js');
}
