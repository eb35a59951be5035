/**
 * The adapters' tus test client: the real tus-js-client, cut off part way by a
 * paced reader, resumed, and its stored file checked byte for byte. Shared by
 * the Express, Koa and Hono tus tests.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { Upload } from 'tus-js-client';
import { expect } from 'vitest';
import type { StoredFile } from '@sluice/core';
import type { ResumableStore } from '@sluice/core/tus';

/** A file that starts with a neutral line, so no random content is ever sniffed as a known format. */
export function testFile(bytes: number): Buffer {
  const head = Buffer.from('resumable upload test\n');
  return Buffer.concat([head, randomBytes(bytes - head.length)]);
}

/** The offset a tus server reports for `url` (a HEAD, as a resuming client sends). */
export async function offsetOf(url: string): Promise<number> {
  const response = await fetch(url, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0' } });
  // tus 1.0 allows 200 or 204 for a HEAD (its examples show 200).
  expect([200, 204]).toContain(response.status);
  return Number(response.headers.get('upload-offset'));
}

/**
 * A tus-js-client file reader that hands the file to the request in 64 KiB
 * pieces, one per turn of the event loop, and once `cutAt` (a fraction) of
 * the file went out calls `cut` (which aborts the upload, destroying the
 * request mid-body) instead of sending more: a cut-off point that does not
 * depend on how fast the machine is. Without `cutAt` it sends everything.
 */
export function pacedReader(content: Buffer, cutAt?: number, cut?: () => Promise<void>) {
  return {
    async openFile() {
      return {
        size: content.length,
        async slice(start: number, end: number) {
          const part = content.subarray(start, end);
          async function* pieces(): AsyncGenerator<Buffer> {
            for (let at = 0; at < part.length; at += 64 * 1024) {
              if (cutAt !== undefined && start + at >= content.length * cutAt) {
                await cut?.();
                return;
              }
              yield part.subarray(at, at + 64 * 1024);
              await new Promise((resolve) => setImmediate(resolve));
            }
          }
          return { value: Object.assign(Readable.from(pieces()), { size: part.length }), done: start + part.length >= content.length };
        },
        close() {},
      };
    },
  };
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

/**
 * Waits for the offset the interrupted PATCH left: above 0 and unchanged over
 * three looks 200 ms apart. A HEAD during the PATCH still reports the offset
 * before it (the server may be storing bytes that were in flight), so a
 * single look, or a 0, proves nothing yet.
 */
export async function settledOffset(url: string, timeoutMs = 20_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  const seen: number[] = [];
  while (Date.now() < deadline) {
    seen.push(await offsetOf(url));
    const last = seen.slice(-3);
    if (last.length === 3 && last[0]! > 0 && last.every((offset) => offset === last[0])) return last[0]!;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the offset of ${url} did not settle above 0 within ${timeoutMs} ms: ${seen.join(', ')}`);
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
  const kept = await settledOffset(url);
  expect(kept).toBeGreaterThan(0);
  // No more than went out before the cut (40 % and the piece in flight).
  expect(kept).toBeLessThanOrEqual(content.length * 0.4 + 64 * 1024);
  const patches = await resume(url, content);
  expect(patches[0]).toBe(kept);
  expect(await offsetOf(url)).toBe(content.length);
  const file = await completed;
  expect(file.size).toBe(content.length);
  const info = await store.getInfo(new URL(url).pathname.split('/').pop()!);
  const body = await store.openCompleted(info!);
  expect((await buffer(body!)).equals(content)).toBe(true);
  return file;
}
