import { expect } from 'vitest';
import { cutPatch } from './cut-patch.js';
import { createUpload, headOffset, patch, testBytes, type TusServer } from './support.js';

/** Waits for the next request of `server` that ends with an error (the cut PATCH). */
export function nextFailure(server: TusServer): Promise<void> {
  return new Promise((resolve) => {
    const stop = server.handler.on('loadend', (event) => {
      if (event.error) {
        stop();
        resolve();
      }
    });
  });
}

/**
 * Client aborts at random points: after each one the upload is consistent
 * (the offset never decreases and never passes what was sent) and resumable,
 * and the final file is byte-exact.
 */
export async function randomAborts(server: TusServer, size: number, rounds: number, seed: number, read: (key: string) => Promise<Buffer | undefined>): Promise<void> {
  const data = testBytes(size, seed);
  const url = await createUpload(server, data.length);
  let offset = 0;
  let x = seed;
  const random = (): number => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
  for (let round = 0; round < rounds && offset < data.length; round++) {
    const rest = data.subarray(offset);
    const cut = Math.max(1, Math.floor(random() * rest.length));
    const failed = nextFailure(server);
    await cutPatch(url, offset, rest, cut);
    // A connection dropped before the server parsed the request never becomes a request: do not wait forever.
    await Promise.race([failed, new Promise((resolve) => setTimeout(resolve, 3000))]);
    const now = await headOffset(url);
    expect(now).toBeGreaterThanOrEqual(offset);
    expect(now).toBeLessThanOrEqual(offset + cut);
    offset = now;
  }
  const last = await patch(url, offset, data.subarray(offset));
  expect(last.status).toBe(204);
  const info = await server.handler.store.getInfo(url.split('/').pop()!);
  expect(info?.completed?.size).toBe(data.length);
  expect((await read(info!.key!))?.equals(data)).toBe(true);
}
