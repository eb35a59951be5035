import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredFile } from '@sluice/core';
import { createTusHandler, memoryResumable } from '@sluice/core/tus';
import { tusHono } from '../src/index.js';
import { roundTrip } from '@sluice/tus-test-client';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** Serves `app` on @hono/node-server; `webOnly` hides the Node request and response from it (as on a runtime without them). */
async function listen(app: Hono, { webOnly = false } = {}): Promise<string> {
  const fetch = webOnly ? (request: Request) => app.fetch(request) : app.fetch;
  const server = await new Promise<Server>((resolve) => {
    const started = serve({ fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started as Server));
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A tus handler on a memory store whose `completed` promise resolves with the first stored file, and the Web body state the hooks saw. */
function tusWithCompletion() {
  const store = memoryResumable();
  let done!: (file: StoredFile) => void;
  const completed = new Promise<StoredFile>((resolve) => (done = resolve));
  const webBodyUsed: boolean[] = [];
  const tus = createTusHandler<Context>({
    store,
    path: '/tus',
    onComplete: (file, c) => {
      webBodyUsed.push(c!.req.raw.bodyUsed);
      done(file);
    },
  });
  return { store, tus, completed, webBodyUsed };
}

describe('@sluice/hono tusHono', () => {
  it('on @hono/node-server, tus-js-client: start, cut off at 40 %, resume, complete, byte for byte (Node path)', async () => {
    const { store, tus, completed, webBodyUsed } = tusWithCompletion();
    const app = new Hono();
    app.all('/tus/*', tusHono(tus));
    const file = await roundTrip(`${await listen(app)}/tus`, store, completed);
    expect(file.name).toBe('holiday movie.bin');
    // The Node request was streamed directly: the Web body was never built or read.
    expect(webBodyUsed).toEqual([false]);
  });

  it('without the Node request (the Web path), tus-js-client still resumes byte for byte over a socket', async () => {
    const { store, tus, completed, webBodyUsed } = tusWithCompletion();
    const app = new Hono();
    app.all('/tus/*', tusHono(tus));
    await roundTrip(`${await listen(app, { webOnly: true })}/tus`, store, completed);
    // The body came through the Web Request.
    expect(webBodyUsed).toEqual([true]);
  });

  it('takes the Web path when a middleware already began reading the Node body', async () => {
    const tus = createTusHandler({ store: memoryResumable(), path: '/tus' });
    const app = new Hono();
    const paths: string[] = [];
    app.use('/tus/*', async (c, next) => {
      const incoming = (c.env as { incoming: import('node:http').IncomingMessage }).incoming;
      // Paused, not read: the flag the adapter checks says someone took charge of the stream.
      if (c.req.method === 'PATCH') incoming.pause();
      await next();
      paths.push(`${c.req.method} ${c.res.headers.get('x-hono-already-sent') ? 'node' : 'web'}`);
    });
    app.all('/tus/*', tusHono(tus));
    const base = await listen(app);
    const created = await fetch(`${base}/tus`, { method: 'POST', headers: { 'Tus-Resumable': '1.0.0', 'Upload-Length': '5' } });
    const url = new URL(created.headers.get('location')!, base).href;
    const patched = await fetch(url, { method: 'PATCH', headers: { 'Tus-Resumable': '1.0.0', 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' }, body: 'hello' });
    expect(patched.status).toBe(204);
    expect(patched.headers.get('upload-offset')).toBe('5');
    expect(paths).toEqual(['POST node', 'PATCH web']);
  });

  it('runs on the Fetch API alone (no Node server): create, PATCH, HEAD', async () => {
    const tus = createTusHandler({ store: memoryResumable(), path: '/api/tus' });
    const app = new Hono();
    app.all('/api/tus/*', tusHono(tus));
    app.get('/api/other', (c) => c.text('other'));
    expect(await (await app.request('/api/other')).text()).toBe('other');
    const created = await app.request('/api/tus', { method: 'POST', headers: { 'Tus-Resumable': '1.0.0', 'Upload-Length': '11' } });
    expect(created.status).toBe(201);
    const path = new URL(created.headers.get('location')!, 'http://x').pathname;
    expect(path).toMatch(/^\/api\/tus\/[^/]+$/);
    const patch = (offset: string, body: string) =>
      app.request(path, { method: 'PATCH', headers: { 'Tus-Resumable': '1.0.0', 'Upload-Offset': offset, 'Content-Type': 'application/offset+octet-stream' }, body });
    expect((await patch('0', 'hello')).headers.get('upload-offset')).toBe('5');
    expect((await patch('0', 'again')).status).toBe(409);
    expect((await patch('5', ' world')).headers.get('upload-offset')).toBe('11');
    const head = await app.request(path, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0' } });
    expect(head.headers.get('upload-offset')).toBe('11');
    expect(head.headers.get('upload-length')).toBe('11');
  });
});
