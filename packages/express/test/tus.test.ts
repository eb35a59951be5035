import express from 'express';
import { describe, expect, it } from 'vitest';
import type { StoredFile } from '@sluice/core';
import { createTusHandler, memoryResumable, type TusHandler } from '@sluice/core/tus';
import { tusRouter } from '../src/index.js';
import { loopbackServers } from '@sluice/core/testing';
import { roundTrip } from '@sluice/tus-test-client';

const listening = loopbackServers();

const listen = (app: express.Express): Promise<string> => listening(app.listen(0, '127.0.0.1'));

describe('@sluice/express tusRouter', () => {
  it('tus-js-client over a socket: start, cut off at 40 %, resume, complete, byte for byte', async () => {
    const store = memoryResumable();
    let done!: (file: StoredFile) => void;
    const completed = new Promise<StoredFile>((resolve) => (done = resolve));
    const seen: unknown[] = [];
    const tus = createTusHandler<express.Request>({
      store,
      path: '/tus',
      onComplete: (file, request) => {
        seen.push(request?.originalUrl);
        done(file);
      },
    });
    const app = express();
    app.use('/tus', tusRouter(tus));
    const base = await listen(app);
    const file = await roundTrip(`${base}/tus`, store, completed);
    expect(file.name).toBe('holiday movie.bin');
    // The hooks see the Express request of the final PATCH.
    expect(seen).toEqual([expect.stringMatching(/^\/tus\/[^/]+$/)]);
  });

  it("hands a failure of the handler itself to Express's error handling", async () => {
    // The handler answers protocol errors on its own; a rejection is a fault no real request produces on demand.
    const broken = { handleNode: () => Promise.reject(new Error('store exploded')) } as unknown as TusHandler<express.Request>;
    const app = express();
    const seen: string[] = [];
    app.use('/tus', tusRouter(broken));
    app.use(((error, _req, res, _next) => {
      seen.push((error as Error).message);
      res.status(503).json({ handled: true });
    }) as express.ErrorRequestHandler);
    const response = await fetch(`${await listen(app)}/tus`, { method: 'POST', headers: { 'Tus-Resumable': '1.0.0', 'Upload-Length': '1' } });
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ handled: true });
    expect(seen).toEqual(['store exploded']);
  });

  it('answers only under its mount: the other routes keep working, OPTIONS announces tus', async () => {
    const tus = createTusHandler({ store: memoryResumable(), path: '/uploads/tus', limits: { fileSize: 1234 } });
    const app = express();
    app.use('/uploads/tus', tusRouter(tus));
    app.get('/health', (_req, res) => res.send('ok'));
    const base = await listen(app);
    expect(await (await fetch(`${base}/health`)).text()).toBe('ok');
    const options = await fetch(`${base}/uploads/tus`, { method: 'OPTIONS' });
    expect(options.status).toBe(204);
    expect(options.headers.get('tus-version')).toBe('1.0.0');
    expect(options.headers.get('tus-max-size')).toBe('1234');
    const created = await fetch(`${base}/uploads/tus`, { method: 'POST', headers: { 'Tus-Resumable': '1.0.0', 'Upload-Length': '10' } });
    expect(created.status).toBe(201);
    // Location is built from the mount path the client used, which Express stripped from req.url.
    expect(new URL(created.headers.get('location')!, base).pathname).toMatch(/^\/uploads\/tus\/[^/]+$/);
    const tooBig = await fetch(`${base}/uploads/tus`, { method: 'POST', headers: { 'Tus-Resumable': '1.0.0', 'Upload-Length': '1235' } });
    expect(tooBig.status).toBe(413);
  });
});
