import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createUploadHandler } from '../../src/session/create-upload-handler.js';
import { diskStorage } from '../../src/storage/disk-storage.js';
import { buildMultipart } from '../../src/testing/multipart-body.js';
import type { UploadError } from '../../src/errors/upload-error.js';
import { send } from '../support.js';

const roots: string[] = [];
afterEach(async () => {
  for (const root of roots.splice(0)) await rm(root, { recursive: true, force: true });
});

async function tempRoot(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'sluice-handler-disk-'));
  roots.push(root);
  return root;
}

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
}

describe('the handler on disk storage', () => {
  it('writes files under dated folders and nothing else', async () => {
    const root = await tempRoot();
    const handler = createUploadHandler({ storage: diskStorage({ root }) });
    const data = randomBytes(123_456);
    const { result } = await send(handler, [{ name: 'f', filename: '../../escape.bin', content: data }]);
    const file = result!.files.f![0]!;
    expect(file.location).toBe(path.join(root, ...file.key.split('/')));
    expect(file.key).toMatch(/-escape\.bin$/);
    expect(await filesUnder(root)).toEqual([path.basename(file.location!)]);
  });

  it('a client abort mid-file leaves no file and no .partial behind', async () => {
    const root = await tempRoot();
    const handler = createUploadHandler({ storage: diskStorage({ root }) });
    const { body, contentType } = buildMultipart([
      { name: 'a', filename: 'complete.bin', content: randomBytes(10_000) },
      { name: 'b', filename: 'half.bin', content: randomBytes(2_000_000) },
    ]);
    const stream = new Readable({ read() {} });
    stream.push(body.subarray(0, 1_000_000));
    const controller = new AbortController();
    const pending = handler.handle({ headers: { 'content-type': contentType }, body: stream, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const error = (await pending.catch((e: unknown) => e)) as UploadError;
    expect(error.code).toBe('CLIENT_ABORTED');
    expect(await filesUnder(root)).toEqual([]);
  });
});

describe('a storage driver that ignores its abort signal', () => {
  it('cannot hang the request: it settles after cleanupTimeoutMs', async () => {
    let puts = 0;
    const handler = createUploadHandler({
      storage: {
        name: 'stuck',
        put: () => {
          puts++;
          return new Promise(() => {});
        },
        remove: async () => {},
      },
      limits: { fileSize: 100 },
      cleanupTimeoutMs: 100,
    });
    const started = Date.now();
    const { error } = await send(
      handler,
      [
        { name: 'f', filename: 'small.bin', content: randomBytes(50) },
        { name: 'g', filename: 'big.bin', content: randomBytes(5000) },
      ],
      { chunkSize: 300, paceMs: 5 },
    );
    expect(puts).toBe(1);
    expect(error?.code).toBe('LIMIT_FILE_SIZE');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
