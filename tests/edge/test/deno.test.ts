import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRemoteHttpCases } from '../src/remote-cases.js';
import { denoBinary, PACKAGE_DIR, startRuntimeServer, storageOverHttp, type RuntimeServer } from '../src/runtime-server.js';

/**
 * The Hono adapter's HTTP case table on Deno's own server (Deno.serve), from
 * Deno's npm package. `--sloppy-imports` lets Deno run the workspace's
 * TypeScript sources, whose relative imports end in `.js` (a published
 * package is JavaScript). No prompt: a missing permission fails at once.
 */
const denoRun = (permissions: string[]): string[] => ['run', '--sloppy-imports', '--no-prompt', ...permissions, 'servers/deno-server.ts'];

describe('deno: loopback network only', () => {
  let server: RuntimeServer;
  beforeAll(async () => {
    server = await startRuntimeServer(denoBinary(), denoRun(['--allow-net=127.0.0.1']));
  });
  afterAll(() => server?.close());

  it('imports @sluice/hono and @sluice/core and builds a handler without --allow-env or file access', async () => {
    const setup = await fetch(`${server.url}/_setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(setup.status).toBe(200);
    expect(server.output()).not.toMatch(/NotCapable|PermissionDenied|Requires \w+ access/);
  });
});

/**
 * Uploading needs one more permission here, and no `--allow-env`: file type
 * detection loads `debug`, which enumerates the environment at load, and the
 * core loads it through a view that answers "unset" where Deno refuses.
 * - `--allow-read` of the repository: the core loads its parser engine with a
 *   dynamic `import('./sluice-parser.js')`, which sloppy-imports resolution
 *   maps to the `.ts` source at run time, and Deno checks read access for it
 *   ("Requires read access to .../content-disposition.ts" without it). The
 *   packed packages, installed by npm, need only `--allow-net` (the packaging
 *   suite runs them so).
 */
describe('deno: the case table', () => {
  let server: RuntimeServer;
  beforeAll(async () => {
    server = await startRuntimeServer(denoBinary(), denoRun(['--allow-net=127.0.0.1', `--allow-read=${join(PACKAGE_DIR, '..', '..')}`]));
  });
  afterAll(() => server?.close());

  runRemoteHttpCases('hono on Deno.serve', () => ({ url: server.url, snapshot: () => storageOverHttp(server.url) }));
});
