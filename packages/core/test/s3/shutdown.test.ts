import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childEnv } from '@sluice/s3-rig';
import { REPO_ROOT } from '@sluice/s3-rig';
import { createSpace, type TestSpace } from '@sluice/s3-rig';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/upload-child.ts');

let space: TestSpace;
beforeAll(async () => (space = await createSpace('sigterm')));
afterAll(async () => space?.cleanup());

describe('process shutdown (installShutdownHandler)', () => {
  it('SIGTERM during an upload: the upload fails with SHUTTING_DOWN, S3 is cleaned up, then the process exits 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      cwd: REPO_ROOT,
      env: { ...childEnv(), SLUICE_TEST_BUCKET: space.bucket, SLUICE_TEST_PREFIX: space.prefix },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk;
        if (stdout.includes('UPLOADING')) resolve();
      });
      void exited.then(() => reject(new Error(`child exited before uploading:\n${stdout}\n${stderr}`)));
    });
    // The test means something only if there is a pending upload to lose.
    expect((await space.leftovers()).filter((entry) => entry.startsWith('upload:'))).toHaveLength(1);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toContain('FAILED SHUTTING_DOWN');
    expect(stdout).not.toContain('STORED');
    // Checked once, right after exit: the process waited for the abort before exiting.
    await space.expectEmpty();
  });
});
