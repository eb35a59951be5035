import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, it } from 'vitest';
import { diskResumable } from '../../src/storage/disk-resumable.js';
import { memoryResumable } from '../../src/storage/memory-resumable.js';
import type { ResumableStore } from '../../src/tus/store-types.js';
import { randomAborts } from './random-aborts.js';
import { startTusServer, type TusServer } from './support.js';

const SCRATCH = path.resolve(import.meta.dirname, '../../.tmp');

describe('client aborts at random points', () => {
  let server: TusServer;
  let root: string | undefined;
  afterEach(async () => {
    await server.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('memory store: 8 cuts, then byte-exact', async () => {
    const store = memoryResumable();
    server = await startTusServer({ store });
    await randomAborts(server, 3 * 1024 * 1024, 8, 17, async (key) => store.storage.read(key));
  });

  it('disk store: 8 cuts, then byte-exact', async () => {
    await mkdir(SCRATCH, { recursive: true });
    root = await mkdtemp(path.join(SCRATCH, 'cuts-'));
    const store: ResumableStore = diskResumable({ root });
    server = await startTusServer({ store });
    const base = root;
    await randomAborts(server, 3 * 1024 * 1024, 8, 29, (key) => readFile(path.join(base, key)).catch(() => undefined));
  });
});
