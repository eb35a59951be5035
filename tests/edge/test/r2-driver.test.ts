/**
 * The R2 driver against workerd's R2 simulator (miniflare), driven from Node
 * through miniflare's bucket API: the shared storage conformance suite, then
 * what is particular to R2 (multipart for long files, equal parts, abort on
 * every failure, memory held to about two parts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isUploadError } from '@sluice/core';
import { r2Storage, R2_MIN_PART_SIZE, type R2BucketLike, type R2MultipartUploadLike } from '@sluice/core/r2';
import { runStorageConformance } from '@sluice/core/testing';
import { startMiniflare, type MiniflareR2 } from '../src/miniflare-r2.js';

const PART = R2_MIN_PART_SIZE;
const file = { field: 'f', name: 'big.bin', type: 'application/octet-stream' };
const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** `data` in 64 KiB chunks, erroring with `failWith` once `failAt` bytes went out, calling `onPull` per chunk. */
function chunked(data: Buffer, options: { failAt?: number; failWith?: Error; onPull?: (sent: number) => void } = {}): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (options.failAt !== undefined && sent >= options.failAt) {
        this.destroy(options.failWith ?? new Error('client went away'));
        return;
      }
      if (sent >= data.length) {
        this.push(null);
        return;
      }
      const chunk = data.subarray(sent, sent + 64 * 1024);
      sent += chunk.length;
      options.onPull?.(sent);
      this.push(chunk);
    },
  });
}

let r2: MiniflareR2;
beforeAll(async () => {
  r2 = await startMiniflare();
});
afterAll(() => r2?.dispose());

/**
 * The simulator's bucket with every multipart upload's `uploadPart` replaced
 * by `uploadPart(upload)`, which may call the real one: how a test injects a
 * fault or counts parts, since the simulator does neither on demand.
 */
function withUploadPart(uploadPart: (upload: R2MultipartUploadLike) => R2MultipartUploadLike['uploadPart']): R2BucketLike {
  return {
    put: (...args) => r2.bucket.put(...args),
    get: (key) => r2.bucket.get(key),
    delete: (keys) => r2.bucket.delete(keys),
    list: (options) => r2.bucket.list(options),
    async createMultipartUpload(key, options) {
      const upload = await r2.bucket.createMultipartUpload(key, options);
      return {
        key: upload.key,
        uploadId: upload.uploadId,
        uploadPart: uploadPart(upload),
        abort: () => upload.abort(),
        complete: (parts) => upload.complete(parts),
      };
    },
  };
}

runStorageConformance('r2 (miniflare)', async () => {
  await r2.clear();
  return {
    driver: r2Storage({ bucket: r2.bucket }),
    leftovers: async () => [...(await r2.objects()).keys(), ...(await r2.pendingUploads()).map((key) => `pending upload: ${key}`)],
    cleanup: () => r2.clear(),
  };
});

describe('r2 driver: multipart and failures', () => {
  beforeEach(() => r2.clear());

  const leftovers = async (): Promise<{ objects: string[]; pending: string[] }> => ({ objects: [...(await r2.objects()).keys()], pending: await r2.pendingUploads() });

  it('refuses a part size R2 would reject', () => {
    expect(() => r2Storage({ bucket: r2.bucket, partSize: PART - 1 })).toThrow(RangeError);
  });

  it('a file of exactly one part goes up as one put; one byte more as a multipart upload of equal parts', async () => {
    const driver = r2Storage({ bucket: r2.bucket });
    const exact = randomBytes(PART);
    await driver.put('exact.bin', chunked(exact), { signal: new AbortController().signal, file });
    const longer = randomBytes(2 * PART + 1);
    const put = await driver.put('longer.bin', chunked(longer), { signal: new AbortController().signal, file });
    expect(put.size).toBe(longer.length);
    const objects = await r2.objects();
    expect(sha256(objects.get('exact.bin')!)).toBe(sha256(exact));
    expect(sha256(objects.get('longer.bin')!)).toBe(sha256(longer));
    // R2 gives a multipart object the entity tag "<md5 of the part md5s>-<parts>".
    expect((await r2.bucket.get('exact.bin'))?.etag).not.toMatch(/-\d+$/);
    expect((await r2.bucket.get('longer.bin'))?.etag).toMatch(/-3$/);
    expect((await r2.bucket.get('longer.bin'))?.httpMetadata?.contentType).toBe('application/octet-stream');
    expect(await r2.pendingUploads()).toEqual([]);
  });

  it('a body that fails after two parts leaves no object and no pending upload', async () => {
    const driver = r2Storage({ bucket: r2.bucket });
    const put = driver.put('broken.bin', chunked(randomBytes(3 * PART), { failAt: 2 * PART + 100_000 }), { signal: new AbortController().signal, file });
    await expect(put).rejects.toThrow('client went away');
    expect(await leftovers()).toEqual({ objects: [], pending: [] });
  });

  it('an abort in the middle of a multipart upload leaves nothing and rejects with the reason', async () => {
    const driver = r2Storage({ bucket: r2.bucket });
    const controller = new AbortController();
    const reason = new Error('request cancelled');
    const body = chunked(randomBytes(4 * PART), { onPull: (sent) => sent > PART + 500_000 && controller.abort(reason) });
    await expect(driver.put('aborted.bin', body, { signal: controller.signal, file })).rejects.toBe(reason);
    expect(await leftovers()).toEqual({ objects: [], pending: [] });
  });

  it('an R2 failure on a part rejects with STORAGE_FAILED, aborts the upload and keeps the message out of the client text', async () => {
    // The simulator fails no part on demand: this wrapper forwards to it and fails part 2 (the one fault injected).
    const failing = withUploadPart((upload) => (n, value) => (n === 2 ? Promise.reject(new Error('R2 internal error for bucket secret-name')) : upload.uploadPart(n, value)));
    const driver = r2Storage({ bucket: failing });
    const error: unknown = await driver.put('r2-fails.bin', chunked(randomBytes(3 * PART + 10)), { signal: new AbortController().signal, file }).catch((e: unknown) => e);
    expect(isUploadError(error) && error.code).toBe('STORAGE_FAILED');
    expect((error as Error).message).not.toContain('secret-name');
    expect(await leftovers()).toEqual({ objects: [], pending: [] });
  });

  it('holds about two parts whatever the file size, with one part in flight at a time', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    let stored = 0;
    let worstAhead = 0;
    const counting = withUploadPart((upload) => async (n, value) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        return await upload.uploadPart(n, value);
      } finally {
        inFlight -= 1;
        stored += (value as Uint8Array).byteLength;
      }
    });
    const driver = r2Storage({ bucket: counting });
    const data = randomBytes(6 * PART + 12_345);
    // Bytes pulled from the body but not yet stored by R2 are what the driver (and the stream's small buffer) hold.
    const body = chunked(data, { onPull: (sent) => (worstAhead = Math.max(worstAhead, sent - stored)) });
    await driver.put('six-parts.bin', body, { signal: new AbortController().signal, file });
    expect(maxInFlight).toBe(1);
    expect(worstAhead).toBeLessThanOrEqual(2 * PART + 2 * 1024 * 1024);
    expect(sha256((await r2.objects()).get('six-parts.bin')!)).toBe(sha256(data));
  });
});
