import Koa from 'koa';
import { describe, expect, it } from 'vitest';
import { createUploadHandler, memoryStorage } from '@sluice/core';
import { buildMultipart, loopbackServers, socketTransport } from '@sluice/core/testing';
import { UploadError, upload, uploadErrorHandler } from '../src/index.js';

const listening = loopbackServers();

async function listen(app: Koa): Promise<ReturnType<typeof socketTransport>> {
  app.silent = true;
  return socketTransport(await listening(app.listen(0, '127.0.0.1')));
}

const oneFile = buildMultipart([
  { name: 'doc', filename: 'a.txt', content: 'hello', contentType: 'text/plain' },
  { name: 'title', value: 'T' },
]);
const tooBig = buildMultipart([{ name: 'doc', filename: 'a.bin', content: Buffer.alloc(2048) }]);
const send = (transport: ReturnType<typeof socketTransport>, body = oneFile) => transport.send({ headers: { 'content-type': body.contentType }, body: body.body });
const small = { storage: memoryStorage(), limits: { fileSize: 1024 } };

describe('@sluice/koa', () => {
  it('accepts plain options and sets ctx.request.files, ctx.request.body and ctx.state.upload', async () => {
    const app = new Koa();
    app.use(upload({ storage: memoryStorage() }));
    app.use((ctx) => {
      ctx.body = { names: ctx.request.files!.doc!.map((f) => f.name), body: ctx.request.body, requestId: ctx.state.upload.requestId };
    });
    const response = await send(await listen(app));
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ names: ['a.txt'], body: { title: 'T' }, requestId: expect.any(String) });
  });

  it('answers unhandled upload errors as JSON with the status and Connection: close', async () => {
    const app = new Koa();
    const emitted: unknown[] = [];
    app.on('error', (error) => emitted.push(error));
    app.use(upload(small));
    const response = await send(await listen(app), tooBig);
    expect(response.status).toBe(413);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers.connection).toBe('close');
    expect(response.json).toEqual({ error: { code: 'LIMIT_FILE_SIZE', message: 'File too large', limit: 'fileSize', max: 1024 } });
    // Koa's convention holds: the error is still emitted on the app.
    expect(emitted).toHaveLength(1);
    expect(emitted[0]).toBeInstanceOf(UploadError);
  });

  it('throws an error with status and expose that an upstream middleware can handle its own way', async () => {
    const app = new Koa();
    app.use(async (ctx, next) => {
      try {
        await next();
      } catch (error) {
        const failure = error as UploadError;
        ctx.status = failure.status;
        ctx.body = { mine: failure.code, expose: failure.expose };
      }
    });
    app.use(upload(small));
    const response = await send(await listen(app), tooBig);
    expect(response.status).toBe(413);
    expect(response.json).toEqual({ mine: 'LIMIT_FILE_SIZE', expose: true });
  });

  it('uploadErrorHandler() answers upload errors as JSON and passes other errors on', async () => {
    const app = new Koa();
    app.use(async (ctx, next) => {
      try {
        await next();
      } catch {
        ctx.status = 599;
        ctx.body = 'other';
      }
    });
    app.use(uploadErrorHandler());
    app.use(async (ctx, next) => {
      if (ctx.path === '/boom') throw new Error('not an upload error');
      await next();
    });
    app.use(upload(small));
    const transport = await listen(app);
    const failed = await send(transport, tooBig);
    expect(failed.status).toBe(413);
    expect(failed.json.error.code).toBe('LIMIT_FILE_SIZE');
    // The same headers as every adapter's error response (this copy once dropped nosniff).
    expect(failed.headers['content-type']).toMatch(/^application\/json/);
    expect(failed.headers['x-content-type-options']).toBe('nosniff');
    expect(failed.headers['cache-control']).toBe('no-store');
    const other = await transport.send({ path: '/boom', headers: {}, body: Buffer.alloc(0) });
    expect([other.status, other.body.toString()]).toEqual([599, 'other']);
  });

  it('takes an existing handler, whose events can be listened to', async () => {
    const handler = createUploadHandler({ storage: memoryStorage() });
    const stored: string[] = [];
    handler.on('load', (event) => {
      if (event.kind === 'file') stored.push(event.file.name);
    });
    const app = new Koa();
    app.use(upload(handler));
    app.use((ctx) => (ctx.body = {}));
    expect((await send(await listen(app))).status).toBe(200);
    expect(stored).toEqual(['a.txt']);
  });
});
