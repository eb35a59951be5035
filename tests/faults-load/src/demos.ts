import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, prepareDemo, type DemoSetup, type Env, type RunningDemo } from '@sluice/demo-common';
import type { StorageDriver } from '@sluice/core';

/** The repository root, from this file's location. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export type DemoName = 'express' | 'koa' | 'hono';
export const DEMOS: readonly DemoName[] = ['express', 'koa', 'hono'];

const FRAMEWORK: Record<DemoName, string> = { express: 'Express', koa: 'Koa', hono: 'Hono' };

/** The app folder of a demo (where its `src/server.ts` is). */
export function appDir(demo: DemoName): string {
  return path.join(REPO_ROOT, 'apps', `${demo}-demo`);
}

async function startServerOf(demo: DemoName): Promise<(setup: DemoSetup) => Promise<RunningDemo>> {
  // The demo apps are applications, not libraries: their app.ts is imported by path.
  if (demo === 'express') return (await import('../../../apps/express-demo/src/app.js')).startServer;
  if (demo === 'koa') return (await import('../../../apps/koa-demo/src/app.js')).startServer;
  return (await import('../../../apps/hono-demo/src/app.js')).startServer;
}

/** A demo running inside the test process (for faults that need no child process). */
export interface InProcessDemo {
  demo: DemoName;
  url: string;
  setup: DemoSetup;
  close(): Promise<void>;
}

/**
 * Starts a demo in this process on an ephemeral port, configured exactly as
 * its `server.ts` would be from `env` (`prepareDemo(loadConfig(env))`), with an
 * optional storage wrapper (a driver that fails on demand).
 */
export async function startInProcess(demo: DemoName, env: Env, wrap?: (storage: StorageDriver) => StorageDriver): Promise<InProcessDemo> {
  const config = loadConfig({ PORT: '0', ...env });
  let setup = await prepareDemo(config, FRAMEWORK[demo]);
  if (wrap) setup = await prepareDemo(config, FRAMEWORK[demo], { storage: wrap(setup.storage) });
  const running = await (await startServerOf(demo))(setup);
  return { demo, url: running.url.replace('localhost', '127.0.0.1'), setup, close: () => running.close() };
}
