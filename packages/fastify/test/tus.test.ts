import { randomBytes } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { Upload } from 'tus-js-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredFile } from '@sluice/core';
import { createTusHandler, memoryResumable, type MemoryResumable } from '@sluice/core/tus';
import { sluiceTus } from '../src/index.js';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) {
    app.server.closeAllConnections();
    await app.close();
  }
});

/** A Fastify app with the tus endpoint at /tus and a JSON route beside it; resolves with its base URL and the completed files. */
async function start(store: MemoryResumable): Promise<{ base: string; completed: Array<{ file: StoredFile; url: string | undefined }> }> {
  const completed: Array<{ file: StoredFile; url: string | undefined }> = [];
  const tus = createTusHandler<FastifyRequest>({ store, path: '/tus', onComplete: (file, request) => void completed.push({ file, url: request?.url }) });
  const app = Fastify();
  apps.push(app);
  await app.register(sluiceTus, { tus, prefix: '/tus' });
  app.post('/json', async (request) => ({ body: request.body }));
  return { base: await app.listen({ port: 0, host: '127.0.0.1' }), completed };
}

/** Content with a neutral first line, so that random bytes are never sniffed as a known format. */
const content = (bytes: number): Buffer => Buffer.concat([Buffer.from('resumable upload test\n'), randomBytes(bytes - 22)]);

async function storedBytes(store: MemoryResumable, uploadUrl: string): Promise<Buffer> {
  const info = await store.getInfo(new URL(uploadUrl).pathname.split('/').pop()!);
  return buffer((await store.openCompleted(info!))!);
}

describe('@sluice/fastify sluiceTus', () => {
  it('takes an upload in two PATCHes, the second resuming at the offset HEAD reports, byte for byte', async () => {
    const store = memoryResumable();
    const { base, completed } = await start(store);
    const file = content(300_000);
    const options = await fetch(`${base}/tus`, { method: 'OPTIONS' });
    expect(options.status).toBe(204);
    expect(options.headers.get('tus-version')).toBe('1.0.0');

    const created = await fetch(`${base}/tus`, {
      method: 'POST',
      headers: { 'Tus-Resumable': '1.0.0', 'Upload-Length': String(file.length), 'Upload-Metadata': `filename ${Buffer.from('a.bin').toString('base64')}` },
    });
    expect(created.status).toBe(201);
    const url = new URL(created.headers.get('location')!, base).href;
    expect(new URL(url).pathname).toMatch(/^\/tus\/[^/]+$/);

    const patch = (offset: number, bytes: Buffer) =>
      fetch(url, { method: 'PATCH', headers: { 'Tus-Resumable': '1.0.0', 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' }, body: new Uint8Array(bytes) });
    const first = await patch(0, file.subarray(0, 100_000));
    expect([first.status, first.headers.get('upload-offset')]).toEqual([204, '100000']);
    const head = await fetch(url, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0' } });
    expect(head.headers.get('upload-offset')).toBe('100000');
    const second = await patch(100_000, file.subarray(100_000));
    expect([second.status, second.headers.get('upload-offset')]).toEqual([204, String(file.length)]);

    expect(completed).toEqual([{ file: expect.objectContaining({ name: 'a.bin', size: file.length }), url: new URL(url).pathname }]);
    expect((await storedBytes(store, url)).equals(file)).toBe(true);
  });

  it('works with tus-js-client over a socket, in several chunks', async () => {
    const store = memoryResumable();
    const { base, completed } = await start(store);
    const file = content(1024 * 1024);
    const url = await new Promise<string>((resolve, reject) => {
      const upload = new Upload(file, {
        endpoint: `${base}/tus`,
        chunkSize: 256 * 1024,
        retryDelays: null,
        metadata: { filename: 'movie.bin', filetype: 'application/octet-stream' },
        onError: reject,
        onSuccess: () => resolve(upload.url!),
      });
      upload.start();
    });
    expect(completed.map(({ file }) => [file.name, file.size])).toEqual([['movie.bin', file.length]]);
    expect((await storedBytes(store, url)).equals(file)).toBe(true);
  });

  it('keeps its scope: the rest of the app parses bodies as before, and tus errors are the protocol answers', async () => {
    const { base } = await start(memoryResumable());
    const json = await fetch(`${base}/json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(await json.json()).toEqual({ body: { a: 1 } });
    const missing = await fetch(`${base}/tus/no-such-upload`, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0' } });
    expect(missing.status).toBe(404);
    const unversioned = await fetch(`${base}/tus`, { method: 'POST', headers: { 'Upload-Length': '10' } });
    expect(unversioned.status).toBe(412);
  });
});
