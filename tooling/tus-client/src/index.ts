/**
 * The adapters' tus test client: the real tus-js-client, cut off part way by a
 * paced reader, resumed, and its stored file checked byte for byte. Shared by
 * the Express, Koa and Hono tus tests. The reader and the offset look-ups
 * are importable on their own too (`./paced-reader`, `./offset`), without
 * vitest, for the demos' tests.
 */
import { randomBytes } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { Upload } from 'tus-js-client';
import { expect } from 'vitest';
import type { StoredFile } from '@sluice/core';
import type { ResumableStore } from '@sluice/core/tus';
import { settledTusOffset, tusOffset } from './offset.js';
import { pacedReader } from './paced-reader.js';

export { pacedReader } from './paced-reader.js';
export { settledTusOffset, tusOffset } from './offset.js';

/** A file that starts with a neutral line, so no random content is ever sniffed as a known format. */
export function testFile(bytes: number): Buffer {
  const head = Buffer.from('resumable upload test\n');
  return Buffer.concat([head, randomBytes(bytes - head.length)]);
}

/** Starts an upload with tus-js-client and cuts it off (aborts without terminating) once 40 % went out; resolves with its URL. */
export function startAndAbort(endpoint: string, content: Buffer, fraction = 0.4): Promise<string> {
  return new Promise((resolve, reject) => {
    const upload: Upload = new Upload(content, {
      endpoint,
      retryDelays: null,
      metadata: { filename: 'holiday movie.bin', filetype: 'application/octet-stream' },
      fileReader: pacedReader(content, fraction, () => upload.abort().then(() => resolve(upload.url!), reject)),
      onError: reject,
      onSuccess: () => reject(new Error('the upload completed before it could be cut off')),
    });
    upload.start();
  });
}

/** Resumes `url` with a new tus-js-client upload; resolves with the `Upload-Offset` of every PATCH it sent. */
export function resume(url: string, content: Buffer): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const patches: number[] = [];
    const upload = new Upload(content, {
      uploadUrl: url,
      retryDelays: null,
      onBeforeRequest(req) {
        if (req.getMethod() === 'PATCH') patches.push(Number(req.getHeader('Upload-Offset')));
      },
      onError: reject,
      onSuccess: () => resolve(patches),
    });
    upload.start();
  });
}

/**
 * The round trip every adapter must pass with the real tus-js-client over a
 * real socket: start, cut off at 40 %, resume from the offset the server kept
 * (a PATCH at exactly that offset, neither 0 nor the end), complete, and the
 * stored object equals the file byte for byte.
 */
export async function roundTrip(endpoint: string, store: ResumableStore, completed: Promise<StoredFile>, size = 8 * 1024 * 1024): Promise<StoredFile> {
  const content = testFile(size);
  const url = await startAndAbort(endpoint, content);
  expect(new URL(url).pathname).toMatch(/^\/tus\/[^/]+$/);
  const kept = await settledTusOffset(url, 20_000);
  expect(kept).toBeGreaterThan(0);
  // No more than went out before the cut (40 % and the piece in flight).
  expect(kept).toBeLessThanOrEqual(content.length * 0.4 + 64 * 1024);
  const patches = await resume(url, content);
  expect(patches[0]).toBe(kept);
  expect(await tusOffset(url)).toBe(content.length);
  const file = await completed;
  expect(file.size).toBe(content.length);
  const info = await store.getInfo(new URL(url).pathname.split('/').pop()!);
  const body = await store.openCompleted(info!);
  expect((await buffer(body!)).equals(content)).toBe(true);
  return file;
}
