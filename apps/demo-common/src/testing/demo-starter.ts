import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestSpace } from '@sluice/s3-rig';
import { afterAll } from 'vitest';
import { loadConfig, type Env } from '../config.js';
import { prepareDemo, type DemoSetup } from '../setup.js';
import { freshS3Bucket, type StorageKind } from './smoke-s3.js';
import type { StartDemo } from './smoke.js';

/** A demo started for one test, with what was made for it. */
export interface StartedFor {
  url: string;
  setup: DemoSetup;
  /** Its fresh UPLOAD_DIR. */
  dir: string;
  /** STORAGE=s3 only: its fresh bucket. */
  space?: TestSpace;
}

/**
 * For a suite that starts the demo under test once per test: registers an
 * `afterAll` that undoes every start (the app stopped first, then its bucket
 * and folder deleted), and returns `startDemo(storage, env)`, which makes a
 * fresh folder and, for STORAGE=s3, a fresh bucket (both named after `label`),
 * and starts the demo on port 0 with `env` over `defaults`.
 */
export function demoStarter(framework: string, start: StartDemo, label: string, defaults: Env): (storage: StorageKind, env?: Env) => Promise<StartedFor> {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return async (storage, env = {}) => {
    const dir = await mkdtemp(path.join(tmpdir(), `sluice-${label}-${framework}-`));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const s3 = storage === 's3' ? await freshS3Bucket(`${label}-${framework}`) : undefined;
    if (s3) cleanups.push(() => s3.space.cleanup());
    const setup = await prepareDemo(loadConfig({ PORT: '0', UPLOAD_DIR: dir, ...defaults, ...(s3?.env ?? { STORAGE: storage }), ...env }), framework);
    const running = await start(setup);
    // Runs before the folder and bucket clean-ups above (they run in reverse order).
    cleanups.push(() => running.close());
    return { url: running.url, setup, dir, space: s3?.space };
  };
}
