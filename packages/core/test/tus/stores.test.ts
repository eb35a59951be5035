import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { diskResumable } from '../../src/storage/disk-resumable.js';
import { memoryResumable } from '../../src/storage/memory-resumable.js';
import { runResumableStoreConformance } from './store-conformance.js';

runResumableStoreConformance('memory', async () => {
  const store = memoryResumable();
  return {
    store,
    partSize: 64 * 1024,
    keyPrefix: 'k/',
    readFinal: async (key) => store.storage.read(key),
    leftovers: async () => {
      const ids: string[] = [];
      for await (const entry of store.list()) ids.push(entry.id);
      return [...ids, ...store.storage.keys()];
    },
    cleanup: async () => {},
  };
});

// The root lives in the package's own (git-ignored) .tmp folder, never the OS temp dir.
const SCRATCH = path.resolve(import.meta.dirname, '../../.tmp');

runResumableStoreConformance('disk', async () => {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(SCRATCH, { recursive: true });
  const root = await mkdtemp(path.join(SCRATCH, 'tus-'));
  const store = diskResumable({ root });
  return {
    store,
    partSize: 64 * 1024,
    keyPrefix: 'k/',
    readFinal: (key) => readFile(path.join(root, key)).catch(() => undefined),
    leftovers: async () => (await readdir(root, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name)),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
});
