import { Transform } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createUploadHandler, memoryStorage, type MemoryStorage } from '@sluice/core';
import { buildMultipart, socketTransport } from '@sluice/core/testing';
import { UploadError, sluice } from '../src/index.js';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) {
    app.server.closeAllConnections();
    await app.close();
  }
});

async function start(app: FastifyInstance): Promise<{ url: string; transport: ReturnType<typeof socketTransport> }> {
  apps.push(app);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, transport: socketTransport(url) };
}

const oneFile = buildMultipart([
  { name: 'doc', filename: 'a.txt', content: 'hello', contentType: 'text/plain' },
  { name: 'title', value: 'T' },
]);
const tooBig = buildMultipart([{ name: 'doc', filename: 'a.bin', content: Buffer.alloc(2048) }]);
const post = (transport: ReturnType<typeof socketTransport>, path: string, body = oneFile) => transport.send({ path, headers: { 'content-type': body.contentType }, body: body.body });

describe('@sluice/fastify', () => {
  it('puts the stored files in request.files, the fields in request.body, the result in request.upload', async () => {
    const storage = memoryStorage();
    const app = Fastify();
    await app.register(sluice, { storage });
    app.post('/upload', { config: { upload: true } }, async (request) => ({
      names: request.files!.doc!.map((f) => f.name),
      body: request.body,
      requestId: request.upload!.requestId,
    }));
    const response = await post((await start(app)).transport, '/upload');
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ names: ['a.txt'], body: { title: 'T' }, requestId: expect.any(String) });
    expect(storage.keys()).toHaveLength(1);
  });

  it('validates the text fields with the route body schema', async () => {
    const app = Fastify();
    await app.register(sluice, { storage: memoryStorage() });
    const schema = { body: { type: 'object', required: ['title'], properties: { title: { type: 'string', minLength: 2 } } } };
    app.post('/upload', { schema, config: { upload: true } }, async (request) => ({ body: request.body }));
    const response = await post((await start(app)).transport, '/upload');
    expect(response.status).toBe(400);
    expect(response.json.code).toBe('FST_ERR_VALIDATION');
    expect(response.json.message).toContain('body/title');
  });

  it('merges route options over the plugin options, limits field by field', async () => {
    const storage = memoryStorage();
    const app = Fastify();
    await app.register(sluice, { storage, limits: { fileSize: 1024 } });
    app.post('/inherits', { config: { upload: { limits: { fields: 5 } } } }, async () => ({}));
    app.post('/overrides', { config: { upload: { limits: { fileSize: 4096 } } } }, async (request) => ({ size: request.files!.doc![0]!.size }));
    const { transport } = await start(app);
    const inherited = await post(transport, '/inherits', tooBig);
    expect(inherited.status).toBe(413);
    expect(inherited.json).toEqual({ error: { code: 'LIMIT_FILE_SIZE', message: 'File too large', limit: 'fileSize', max: 1024 } });
    const overridden = await post(transport, '/overrides', tooBig);
    expect(overridden.json).toEqual({ size: 2048 });
    expect(storage.keys()).toHaveLength(1);
  });

  it('answers upload errors by default as { error: { code, message } } with Connection: close, and logs them', async () => {
    const logged: Array<{ level: number; msg: string }> = [];
    const stream = { write: (line: string) => void logged.push(JSON.parse(line)) };
    const app = Fastify({ logger: { level: 'info', stream } });
    await app.register(sluice, { storage: memoryStorage(), limits: { fileSize: 1024 } });
    app.post('/upload', { config: { upload: true } }, async () => ({}));
    const response = await post((await start(app)).transport, '/upload', tooBig);
    expect(response.status).toBe(413);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.headers.connection).toBe('close');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.json).toEqual({ error: { code: 'LIMIT_FILE_SIZE', message: 'File too large', limit: 'fileSize', max: 1024 } });
    expect(logged.some((entry) => entry.msg === 'File too large' && entry.level === 30)).toBe(true);
  });

  it.each([
    ['set before the plugin, route in the same scope', 'before'],
    ['set after the plugin, route in a child scope', 'child'],
  ] as const)("hands the UploadError to the app's setErrorHandler (%s)", async (_label, where) => {
    const seen: unknown[] = [];
    const app = Fastify();
    const mine = (error: Error, _request: unknown, reply: { code(n: number): { send(b: unknown): unknown } }) => {
      seen.push(error);
      return reply.code((error as UploadError).statusCode).send({ mine: (error as UploadError).code });
    };
    if (where === 'before') app.setErrorHandler(mine);
    await app.register(sluice, { storage: memoryStorage(), limits: { fileSize: 1024 } });
    if (where === 'before') app.post('/upload', { config: { upload: true } }, async () => ({}));
    else {
      app.setErrorHandler(mine);
      await app.register(async (child) => {
        child.post('/upload', { config: { upload: true } }, async () => ({}));
      });
    }
    const response = await post((await start(app)).transport, '/upload', tooBig);
    expect(response.status).toBe(413);
    expect(response.json).toEqual({ mine: 'LIMIT_FILE_SIZE' });
    const error = seen[0] as UploadError;
    expect(error).toBeInstanceOf(UploadError);
    expect([error.status, error.statusCode, error.code]).toEqual([413, 413, 'LIMIT_FILE_SIZE']);
  });

  it("leaves a route's own errorHandler in charge", async () => {
    const app = Fastify();
    await app.register(sluice, { storage: memoryStorage(), limits: { fileSize: 1024 } });
    const errorHandler = (error: Error, _request: unknown, reply: { code(n: number): { send(b: unknown): unknown } }) => reply.code(422).send({ route: (error as UploadError).code });
    app.post('/upload', { config: { upload: true }, errorHandler }, async () => ({}));
    const response = await post((await start(app)).transport, '/upload', tooBig);
    expect([response.status, response.json]).toEqual([422, { route: 'LIMIT_FILE_SIZE' }]);
  });

  it('leaves errors that are not upload errors to Fastify', async () => {
    const app = Fastify();
    await app.register(sluice, { storage: memoryStorage() });
    app.post('/upload', { config: { upload: true } }, async () => {
      throw Object.assign(new Error('database password is hunter2'), { statusCode: 503 });
    });
    const response = await post((await start(app)).transport, '/upload');
    expect(response.status).toBe(503);
    expect(response.json).toEqual({ statusCode: 503, error: 'Service Unavailable', message: 'database password is hunter2' });
  });

  it('leaves a route without config.upload untouched: no parsing, no storage, the raw body still readable', async () => {
    const storage = memoryStorage();
    const app = Fastify();
    await app.register(sluice, { storage });
    app.post('/plain', async (request) => {
      let bytes = 0;
      for await (const chunk of request.raw) bytes += (chunk as Buffer).length;
      return { files: request.files ?? null, upload: request.upload ?? null, body: request.body ?? null, bytes };
    });
    app.post('/json', async (request) => ({ body: request.body }));
    const { url, transport } = await start(app);
    const response = await post(transport, '/plain');
    expect(response.json).toEqual({ files: null, upload: null, body: null, bytes: oneFile.body.length });
    expect(storage.keys()).toEqual([]);
    const json = await fetch(`${url}/json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(await json.json()).toEqual({ body: { a: 1 } });
  });

  it('refuses other media types on an upload route with 415, before reading the body', async () => {
    const storage = memoryStorage();
    const app = Fastify();
    await app.register(sluice, { storage });
    app.post('/upload', { config: { upload: true } }, async () => ({ reached: true }));
    const { url } = await start(app);
    for (const [type, body] of [
      ['application/json', '{"a":1}'],
      ['application/x-www-form-urlencoded', 'a=1'],
    ] as const) {
      const response = await fetch(`${url}/upload`, { method: 'POST', headers: { 'content-type': type }, body });
      expect(response.status, type).toBe(415);
      expect(await response.json()).toEqual({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.any(String), accepted: ['multipart/form-data'] } });
    }
    const empty = await fetch(`${url}/upload`, { method: 'POST' });
    expect(empty.status).toBe(415);
  });

  it('reads the stream a preParsing hook hands on, as Fastify intends', async () => {
    const app = Fastify();
    let seen = 0;
    app.addHook('preParsing', async (_request, _reply, payload) => {
      const counted = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          seen += chunk.length;
          callback(null, chunk);
        },
      });
      return payload.pipe(counted);
    });
    await app.register(sluice, { storage: memoryStorage() });
    app.post('/upload', { config: { upload: true } }, async (request) => ({ names: request.files!.doc!.map((f) => f.name) }));
    const response = await post((await start(app)).transport, '/upload');
    expect([response.status, response.json]).toEqual([200, { names: ['a.txt'] }]);
    expect(seen).toBe(oneFile.body.length);
  });

  it('fails at start-up beside @fastify/multipart-style plugins that claim request.files', async () => {
    const app = Fastify();
    apps.push(app);
    app.decorateRequest('files', undefined);
    await expect(app.register(sluice, { storage: memoryStorage() })).rejects.toThrow(/files/);
  });

  describe("Fastify's bodyLimit", () => {
    const big = buildMultipart([{ name: 'doc', filename: 'big.bin', content: Buffer.alloc(200_000, 1) }]);

    it('does not cap a streamed upload (the upload limits do), while buffered parsers keep it', async () => {
      const app = Fastify({ bodyLimit: 1024 });
      await app.register(sluice, { storage: memoryStorage() });
      app.post('/upload', { config: { upload: true } }, async (request) => ({ size: request.files!.doc![0]!.size }));
      app.post('/json', async () => ({}));
      const { url, transport } = await start(app);
      const upload = await post(transport, '/upload', big);
      expect([upload.status, upload.json]).toEqual([200, { size: 200_000 }]);
      const json = await fetch(`${url}/json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pad: 'x'.repeat(2000) }) });
      expect(json.status).toBe(413);
      expect((await json.json()).code).toBe('FST_ERR_CTP_BODY_TOO_LARGE');
    });

    it("a route's own bodyLimit becomes limits.totalSize, unless the upload options set it", async () => {
      const storage = memoryStorage();
      const app = Fastify();
      await app.register(sluice, { storage });
      app.post('/route-limit', { bodyLimit: 100_000, config: { upload: true } }, async () => ({}));
      app.post('/upload-limit', { bodyLimit: 100_000, config: { upload: { limits: { totalSize: 300_000 } } } }, async () => ({ ok: true }));
      const { transport } = await start(app);
      const limited = await post(transport, '/route-limit', big);
      expect(limited.status).toBe(413);
      expect(limited.json.error).toMatchObject({ code: 'LIMIT_TOTAL_SIZE', limit: 'totalSize', max: 100_000 });
      const allowed = await post(transport, '/upload-limit', big);
      expect([allowed.status, allowed.json]).toEqual([200, { ok: true }]);
      expect(storage.keys()).toHaveLength(1);
    });
  });

  it('takes a handler per route, whose events can be listened to', async () => {
    const handler = createUploadHandler({ storage: memoryStorage() });
    const stored: string[] = [];
    handler.on('load', (event) => {
      if (event.kind === 'file') stored.push(event.file.name);
    });
    const app = Fastify();
    await app.register(sluice);
    app.post('/upload', { config: { upload: handler } }, async () => ({}));
    expect((await post((await start(app)).transport, '/upload')).status).toBe(200);
    expect(stored).toEqual(['a.txt']);
  });

  it('refuses, loudly, an upload route declared before the plugin had loaded', async () => {
    const logged: Array<{ level: number; msg: string }> = [];
    const app = Fastify({ logger: { level: 'error', stream: { write: (line: string) => void logged.push(JSON.parse(line)) } } });
    const storage = memoryStorage();
    void app.register(sluice, { storage });
    app.post('/upload', { config: { upload: true } }, async (request) => ({ files: request.files ?? null }));
    const response = await post((await start(app)).transport, '/upload');
    expect(response.status).toBe(500);
    expect(storage.keys()).toEqual([]);
    expect(logged.map((entry) => entry.msg)).toContain('@sluice/fastify: /upload was declared before the plugin loaded; await app.register(sluice, ...) first');
  });

  it('fails at start-up when an upload route has no storage', async () => {
    const app = Fastify();
    apps.push(app);
    await app.register(sluice);
    expect(() => app.post('/upload', { config: { upload: true } }, async () => ({}))).toThrow(/options\.storage/);
  });

  it('stops the upload and keeps nothing when the client goes away', async () => {
    const storage: MemoryStorage = memoryStorage();
    const handler = createUploadHandler({ storage, progress: { bytes: 16 * 1024 } });
    const outcome = new Promise<string | undefined>((resolve) => handler.on('loadend', ({ error }) => resolve(error?.code)));
    let progressed = 0;
    handler.on('progress', ({ bytesReceived }) => void (progressed = bytesReceived));
    const app = Fastify();
    await app.register(sluice);
    app.post('/upload', { config: { upload: handler } }, async () => ({}));
    const { transport } = await start(app);
    const body = buildMultipart([{ name: 'doc', filename: 'partial.bin', content: Buffer.alloc(1024 * 1024, 7) }]);
    await transport.sendAndAbort({ path: '/upload', headers: { 'content-type': body.contentType }, body: body.body }, 200_000, () =>
      expect.poll(() => progressed, { timeout: 5000 }).toBeGreaterThan(100_000),
    );
    expect(await outcome).toBe('CLIENT_ABORTED');
    await expect.poll(() => storage.keys()).toEqual([]);
  });
});
