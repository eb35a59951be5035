import { get as httpGet } from 'node:http';
import express, { type ErrorRequestHandler, type Express } from 'express';
import { describe, expect, it } from 'vitest';
import { createUploadHandler, memoryStorage } from '@sluice/core';
import { buildMultipart, loopbackServers, socketTransport } from '@sluice/core/testing';
import { UploadError, upload, uploadErrorHandler } from '../src/index.js';

const listening = loopbackServers();

async function listen(app: Express): Promise<ReturnType<typeof socketTransport>> {
  return socketTransport(await listening(app.listen(0, '127.0.0.1')));
}

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    httpGet(url, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    }).on('error', reject);
  });
}

const oneFile = buildMultipart([
  { name: 'doc', filename: 'a.txt', content: 'hello', contentType: 'text/plain' },
  { name: 'title', value: 'T' },
]);
const tooBig = buildMultipart([{ name: 'doc', filename: 'a.bin', content: Buffer.alloc(2048) }]);
const send = (transport: ReturnType<typeof socketTransport>, body = oneFile) => transport.send({ headers: { 'content-type': body.contentType }, body: body.body });

describe('@sluice/express', () => {
  it('accepts plain options and puts the result where multer users look', async () => {
    const app = express();
    app.post('/upload', upload({ storage: memoryStorage() }), (req, res) => {
      res.json({ names: req.files!.doc!.map((f) => f.name), body: req.body, requestId: res.locals.upload!.requestId });
    });
    const response = await send(await listen(app));
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ names: ['a.txt'], body: { title: 'T' }, requestId: expect.any(String) });
  });

  it('passes the UploadError to next() with status, statusCode and expose, and Connection: close', async () => {
    const app = express();
    const seen: unknown[] = [];
    app.post('/upload', upload({ storage: memoryStorage(), limits: { fileSize: 1024 } }), (_req, res) => res.json({}));
    app.use(((error, _req, res, _next) => {
      seen.push(error);
      res.status(error.statusCode).json({ mine: error.code });
    }) as ErrorRequestHandler);
    const response = await send(await listen(app), tooBig);
    expect(response.status).toBe(413);
    expect(response.json).toEqual({ mine: 'LIMIT_FILE_SIZE' });
    expect(response.headers.connection).toBe('close');
    const error = seen[0] as UploadError & { statusCode: number };
    expect(error).toBeInstanceOf(UploadError);
    expect([error.status, error.statusCode, error.expose]).toEqual([413, 413, true]);
  });

  it('in an app with no error handler, answers the right status and no stack trace', async () => {
    const app = express();
    app.post('/upload', upload({ storage: memoryStorage(), limits: { fileSize: 1024 } }), (_req, res) => res.json({}));
    const response = await send(await listen(app), tooBig);
    expect(response.status).toBe(413);
    const page = response.body.toString('utf8');
    expect(page).toContain('LIMIT_FILE_SIZE');
    expect(page).not.toMatch(/\bat \S|node_modules|packages\/core|\.ts:\d/);
  });

  it('uploadErrorHandler leaves errors that are not upload errors to the next handler', async () => {
    const app = express();
    app.get('/boom', () => {
      throw Object.assign(new Error('database password is hunter2'), { status: 503 });
    });
    app.use(uploadErrorHandler);
    app.use(((error, _req, res, _next) => res.status(error.status).json({ passedOn: true })) as ErrorRequestHandler);
    const base = await listening(app.listen(0, '127.0.0.1'));
    const response = await get(`${base}/boom`);
    expect(response).toEqual({ status: 503, body: '{"passedOn":true}' });
  });

  it('takes an existing handler, whose events can be listened to', async () => {
    const handler = createUploadHandler({ storage: memoryStorage() });
    const stored: string[] = [];
    handler.on('load', (event) => {
      if (event.kind === 'file') stored.push(event.file.name);
    });
    const app = express();
    app.post('/upload', upload(handler), (_req, res) => res.json({}));
    expect((await send(await listen(app))).status).toBe(200);
    expect(stored).toEqual(['a.txt']);
  });

  it('reports a body read by express.text() as BODY_ALREADY_CONSUMED, not a hang', async () => {
    const app = express();
    app.use(express.text({ type: '*/*' }));
    app.post('/upload', upload({ storage: memoryStorage() }), (_req, res) => res.json({}));
    app.use(uploadErrorHandler);
    const response = await send(await listen(app));
    expect(response.status).toBe(500);
    expect(response.json.error.code).toBe('BODY_ALREADY_CONSUMED');
  });
});
