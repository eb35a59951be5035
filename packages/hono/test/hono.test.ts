import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { createUploadHandler, memoryStorage, type StoredFile, type UploadResult } from '@sluice/core';
import { buildMultipart } from '@sluice/core/testing';
import { UploadError, upload, uploadErrorHandler, type UploadEnv } from '../src/index.js';

const oneFile = buildMultipart([
  { name: 'doc', filename: 'a.txt', content: 'hello', contentType: 'text/plain' },
  { name: 'title', value: 'T' },
]);
const tooBig = buildMultipart([{ name: 'doc', filename: 'a.bin', content: Buffer.alloc(2048) }]);
// biome-ignore lint/suspicious/noExplicitAny: the test posts to apps of several Env types
const post = (app: Hono<any>, body = oneFile) => app.request('/upload', { method: 'POST', headers: { 'content-type': body.contentType }, body: new Uint8Array(body.body) });
const small = { storage: memoryStorage(), limits: { fileSize: 1024 } };

describe('@sluice/hono', () => {
  it('sets typed upload, files and fields variables', async () => {
    const app = new Hono<UploadEnv>();
    app.post('/upload', upload({ storage: memoryStorage() }), (c) => {
      expectTypeOf(c.get('upload')).toEqualTypeOf<UploadResult>();
      expectTypeOf(c.get('files')).toEqualTypeOf<Record<string, StoredFile[]>>();
      return c.json({ names: c.get('files').doc!.map((f) => f.name), fields: c.get('fields'), requestId: c.get('upload').requestId });
    });
    const response = await post(app);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ names: ['a.txt'], fields: { title: 'T' }, requestId: expect.any(String) });
  });

  it('throws an HTTPException whose response is the JSON error and whose cause is the UploadError', async () => {
    const app = new Hono<UploadEnv>();
    const caught: unknown[] = [];
    app.onError((error, c) => {
      caught.push(error);
      return error instanceof HTTPException ? error.getResponse() : c.text('no', 500);
    });
    app.post('/upload', upload(small), (c) => c.json({}));
    const response = await post(app, tooBig);
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ error: { code: 'LIMIT_FILE_SIZE', message: 'File too large', limit: 'fileSize', max: 1024 } });
    const exception = caught[0] as HTTPException;
    expect(exception).toBeInstanceOf(HTTPException);
    expect(exception.status).toBe(413);
    expect(exception.cause).toBeInstanceOf(UploadError);
    expect((exception.cause as UploadError).code).toBe('LIMIT_FILE_SIZE');
  });

  it('answers as JSON with no onError at all (Hono answers an HTTPException with its response)', async () => {
    const app = new Hono();
    app.post('/upload', upload(small), (c) => c.json({}));
    const response = await post(app, tooBig);
    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe('LIMIT_FILE_SIZE');
  });

  it('uploadErrorHandler() answers upload errors as JSON and hands the rest to a fallback', async () => {
    const app = new Hono();
    app.onError(uploadErrorHandler((_error, c) => c.text('fallback', 503)));
    app.post('/upload', upload(small), (c) => c.json({}));
    app.get('/boom', () => {
      throw new Error('secret');
    });
    const failed = await post(app, tooBig);
    expect(failed.status).toBe(413);
    expect((await failed.json()).error.code).toBe('LIMIT_FILE_SIZE');
    const other = await app.request('/boom');
    expect([other.status, await other.text()]).toEqual([503, 'fallback']);
  });

  it('takes an existing handler, whose events can be listened to', async () => {
    const handler = createUploadHandler({ storage: memoryStorage() });
    const stored: string[] = [];
    handler.on('load', (event) => {
      if (event.kind === 'file') stored.push(event.file.name);
    });
    const app = new Hono<UploadEnv>();
    app.post('/upload', upload(handler), (c) => c.json({}));
    expect((await post(app)).status).toBe(200);
    expect(stored).toEqual(['a.txt']);
  });
});
