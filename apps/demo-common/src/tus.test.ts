import { describe, expect, it } from 'vitest';
import { memoryStorage } from '@sluice/core';
import type { ResumableStore } from '@sluice/core/tus';
import { ConfigError, loadConfig } from './config.js';
import { listFiles } from './files.js';
import { createDemoTus, createResumableStore, isTusState, TUS_STATE_PREFIX, tusClientScript } from './tus.js';
import { Readable } from 'node:stream';

const s3Config = loadConfig({ STORAGE: 's3', S3_BUCKET: 'uploads', S3_ENDPOINT: 'http://127.0.0.1:7480', AWS_ACCESS_KEY_ID: 'id', AWS_SECRET_ACCESS_KEY: 'secret' });

describe('createResumableStore', () => {
  it('keeps disk state under the storage root and memory uploads in the same memory storage', async () => {
    const disk = await createResumableStore(loadConfig({ STORAGE: 'disk', UPLOAD_DIR: '/tmp/sluice-demo-tus-test' }), memoryStorage());
    expect(disk).toMatchObject({ name: 'disk', root: '/tmp/sluice-demo-tus-test' });
    const storage = memoryStorage();
    expect(await createResumableStore(loadConfig({ STORAGE: 'memory' }), storage)).toMatchObject({ name: 'memory', storage });
  });

  it('passes the bucket, the client settings and the state prefix to s3Resumable', async () => {
    let received: Record<string, unknown> | undefined;
    const fake = { name: 's3' } as ResumableStore;
    const store = await createResumableStore(s3Config, memoryStorage(), async () => ({
      s3Resumable: (options) => {
        received = options;
        return fake;
      },
    }));
    expect(store).toBe(fake);
    expect(received).toEqual({
      bucket: 'uploads',
      statePrefix: '.tus/',
      clientConfig: { region: 'us-east-1', endpoint: 'http://127.0.0.1:7480', forcePathStyle: true, credentials: { accessKeyId: 'id', secretAccessKey: 'secret' } },
    });
  });

  it('says clearly that STORAGE=s3 needs the S3 driver when it cannot be loaded', async () => {
    await expect(createResumableStore(s3Config, memoryStorage(), async () => ({}))).rejects.toThrow(ConfigError);
    await expect(
      createResumableStore(s3Config, memoryStorage(), async () => {
        throw new Error('nope');
      }),
    ).rejects.toThrow(/^STORAGE=s3 needs the S3 driver .*nope/);
  });
});

describe('the demo tus endpoint', () => {
  it('announces MAX_FILE_SIZE as Tus-Max-Size at /tus', async () => {
    const tus = createDemoTus(loadConfig({ STORAGE: 'memory', MAX_FILE_SIZE: '3MiB' }), await createResumableStore(loadConfig({ STORAGE: 'memory' }), memoryStorage()));
    const response = await tus.fetch(new Request('http://demo/tus', { method: 'OPTIONS' }));
    expect(response.headers.get('tus-max-size')).toBe(String(3 * 1024 * 1024));
  });

  it('hides resumable state from the listing', async () => {
    const storage = memoryStorage();
    const put = (key: string) => storage.put(key, Readable.from([Buffer.from('x')]), { signal: new AbortController().signal, file: { field: 'f', name: key, type: 'text/plain' } });
    await put('2026/12/a.txt');
    await put(`${TUS_STATE_PREFIX}abc.info`);
    expect((await listFiles(storage)).files.map((f) => f.key)).toEqual(['2026/12/a.txt']);
    expect(isTusState('.tus/abc.partial.1')).toBe(true);
    expect(isTusState('2026/.tus/a')).toBe(false);
  });

  it("serves tus-js-client's browser build", () => {
    const script = tusClientScript();
    expect(script.body.toString('utf8', 0, 2000)).toMatch(/tus/);
    expect(script.headers['Content-Type']).toBe('text/javascript; charset=utf-8');
    expect(Number(script.headers['Content-Length'])).toBe(script.body.length);
  });
});
