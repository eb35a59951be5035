import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { createUploadHandler } from '../../src/session/create-upload-handler.js';
import { memoryStorage } from '../../src/storage/memory-storage.js';
import type { StorageDriver } from '../../src/storage/types.js';
import { send } from '../support.js';

/**
 * A driver that writes like the disk driver does, `pipeline(body, out)`, to a
 * sink that fails with ENOSPC after `failAfter` bytes. pipeline then destroys
 * the body (Sluice's stream) with that error, before `put` rejects.
 */
function fillingUpStorage(failAfter: number): StorageDriver & { keys(): string[] } {
  const stored = new Set<string>();
  return {
    name: 'filling-up',
    keys: () => [...stored],
    async put(key, body) {
      let written = 0;
      const out = new Writable({
        write(chunk: Buffer, _encoding, callback) {
          written += chunk.length;
          if (written > failAfter) callback(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' }));
          else callback();
        },
      });
      await pipeline(body, out);
      stored.add(key);
      return { size: written };
    },
    async remove(key) {
      stored.delete(key);
    },
  };
}

describe('a driver whose write fails and destroys the body with its own error', () => {
  it('answers 502 STORAGE_FAILED (not 500 INTERNAL), keeps the errno in cause only, and rolls back the completed sibling', async () => {
    const storage = fillingUpStorage(300_000);
    const handler = createUploadHandler({ storage });
    const { error } = await send(
      handler,
      [
        { name: 'a', filename: 'small.bin', content: randomBytes(100_000) },
        { name: 'b', filename: 'big.bin', content: randomBytes(1_000_000) },
      ],
      { chunkSize: 16 * 1024 },
    );
    expect(error).toMatchObject({ code: 'STORAGE_FAILED', status: 502, message: 'Storage failed' });
    expect((error!.cause as NodeJS.ErrnoException).code).toBe('ENOSPC');
    expect(JSON.stringify(error!.toJSON())).not.toContain('ENOSPC');
    expect(storage.keys()).toEqual([]);
  });

  it('still answers 500 INTERNAL for a plain error from the key function, before storage has the file', async () => {
    const handler = createUploadHandler({
      storage: memoryStorage(),
      key: () => {
        throw new Error('key service down');
      },
    });
    const { error } = await send(handler, [{ name: 'a', filename: 'x.bin', content: randomBytes(10_000) }]);
    expect(error).toMatchObject({ code: 'INTERNAL', status: 500 });
  });
});
