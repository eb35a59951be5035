import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { Upload } from 'tus-js-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { diskResumable } from '../../src/storage/disk-resumable.js';
import { headOffset, startTusServer, testBytes, type TusServer } from './support.js';

const SCRATCH = path.resolve(import.meta.dirname, '../../.tmp');

/** Runs one tus-js-client upload; resolves with its URL once it succeeded, or when `stopAt` (0..1) of the bytes were sent and it was aborted. */
function runUpload(endpoint: string, data: Buffer, options: { uploadUrl?: string; stopAt?: number; chunkSize?: number } = {}): Promise<{ url: string; aborted: boolean }> {
  return new Promise((resolve, reject) => {
    const upload = new Upload(data, {
      endpoint,
      uploadUrl: options.uploadUrl,
      // tus-js-client reads an explicit `chunkSize: undefined` as a tiny chunk size: pass it only when set.
      ...(options.chunkSize ? { chunkSize: options.chunkSize } : {}),
      retryDelays: [],
      metadata: { filename: 'video.bin', filetype: 'application/octet-stream' },
      onProgress(sent, total) {
        if (options.stopAt !== undefined && sent / total >= options.stopAt) {
          upload.abort().then(() => resolve({ url: upload.url!, aborted: true }), reject);
        }
      },
      onSuccess: () => resolve({ url: upload.url!, aborted: false }),
      onError: reject,
    });
    upload.start();
  });
}

describe('tus-js-client 4.3.1 (Node) through handleNode on the disk store', () => {
  let server: TusServer;
  let root: string;
  let tmpdir: string;
  const savedTmp = process.env.TMPDIR;
  beforeEach(async () => {
    await mkdir(SCRATCH, { recursive: true });
    root = await mkdtemp(path.join(SCRATCH, 'client-'));
    // os.tmpdir() follows TMPDIR: anything the server or client spooled there would show up here.
    tmpdir = await mkdtemp(path.join(SCRATCH, 'ostmp-'));
    process.env.TMPDIR = tmpdir;
    server = await startTusServer({ store: diskResumable({ root }), checksums: ['sha256'] });
  });
  afterEach(async () => {
    process.env.TMPDIR = savedTmp;
    if (savedTmp === undefined) delete process.env.TMPDIR;
    await server.close();
    await rm(root, { recursive: true, force: true });
    await rm(tmpdir, { recursive: true, force: true });
  });

  it('starts, is aborted at 40 %, resumes from the stored offset and completes byte-exact, with nothing in the temp dir', async () => {
    const data = testBytes(24 * 1024 * 1024, 11);
    const loads: Array<{ key: string; size: number; checksums: Record<string, string> }> = [];
    server.handler.on('load', (event) => {
      if (event.kind === 'file') loads.push(event.file);
    });
    // The aborted PATCH ends on the server (its bytes persisted) with its loadend event.
    const ended = new Promise<void>((resolve) => {
      const stop = server.handler.on('loadend', (event) => {
        if (event.error) {
          stop();
          resolve();
        }
      });
    });
    const first = await runUpload(server.endpoint, data, { stopAt: 0.4 });
    expect(first.aborted).toBe(true);
    await ended;
    const offset = await headOffset(first.url);
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThan(data.length);
    const second = await runUpload(server.endpoint, data, { uploadUrl: first.url });
    expect(second).toEqual({ url: first.url, aborted: false });
    expect(await headOffset(first.url)).toBe(data.length);
    expect(loads).toHaveLength(1);
    const stored = await readFile(path.join(root, loads[0]!.key));
    expect(stored.equals(data)).toBe(true);
    expect(loads[0]!.size).toBe(data.length);
    expect(await readdir(tmpdir)).toEqual([]);
  });

  it('uploads in several PATCHes (chunkSize) and once more without a break', async () => {
    const data = testBytes(3 * 1024 * 1024 + 17, 12);
    const chunked = await runUpload(server.endpoint, data, { chunkSize: 1024 * 1024 });
    expect(chunked.aborted).toBe(false);
    expect(await headOffset(chunked.url)).toBe(data.length);
    const whole = await runUpload(server.endpoint, data);
    expect(whole.url).not.toBe(chunked.url);
  });
});
