import Koa, { type Context } from 'koa';
import { describe, expect, it } from 'vitest';
import type { StoredFile } from '@sluice/core';
import { createTusHandler, memoryResumable, type TusHandler } from '@sluice/core/tus';
import { tusMiddleware } from '../src/index.js';
import { loopbackServers } from '@sluice/core/testing';
import { roundTrip } from '@sluice/tus-test-client';

const listening = loopbackServers();

function listen(app: Koa): Promise<string> {
  app.silent = true;
  return listening(app.listen(0, '127.0.0.1'));
}

describe('@sluice/koa tusMiddleware', () => {
  it('tus-js-client over a socket: start, cut off at 40 %, resume, complete, byte for byte', async () => {
    const store = memoryResumable();
    let done!: (file: StoredFile) => void;
    const completed = new Promise<StoredFile>((resolve) => (done = resolve));
    const states: unknown[] = [];
    const tus = createTusHandler<Context>({
      store,
      path: '/tus',
      onComplete: (file, ctx) => {
        states.push(ctx?.state.user);
        done(file);
      },
    });
    const app = new Koa();
    // Upstream middleware runs first, as for any Koa route; the hooks get its context.
    app.use(async (ctx, next) => {
      ctx.state.user = 'ada';
      await next();
    });
    app.use(tusMiddleware(tus, { path: '/tus' }));
    const base = await listen(app);
    const file = await roundTrip(`${base}/tus`, store, completed);
    expect(file.name).toBe('holiday movie.bin');
    expect(states).toEqual(['ada']);
  });

  it('gives the response back to Koa when the handler itself fails before answering', async () => {
    // A rejection is a fault no real request produces on demand (the handler answers protocol errors itself).
    const broken = { handleNode: () => Promise.reject(Object.assign(new Error('store exploded'), { status: 503, expose: true })) } as unknown as TusHandler<Context>;
    const app = new Koa();
    const errors: string[] = [];
    app.on('error', (error: Error) => errors.push(error.message));
    app.use(tusMiddleware(broken, { path: '/tus' }));
    const response = await fetch(`${await listen(app)}/tus`, { method: 'POST', headers: { 'Tus-Resumable': '1.0.0', 'Upload-Length': '1' } });
    // Koa's own error handling answers (ctx.respond is true again).
    expect(response.status).toBe(503);
    expect(await response.text()).toBe('store exploded');
    expect(errors).toEqual(['store exploded']);
  });

  it('passes other paths to next(), and Koa does not answer over the raw response (ctx.respond = false)', async () => {
    const tus = createTusHandler({ store: memoryResumable(), path: '/tus', limits: { fileSize: 1234 } });
    const app = new Koa();
    const errors: unknown[] = [];
    app.on('error', (error) => errors.push(error));
    app.use(tusMiddleware(tus, { path: '/tus' }));
    app.use((ctx) => {
      ctx.body = `next: ${ctx.path}`;
    });
    const base = await listen(app);
    expect(await (await fetch(`${base}/tusker`)).text()).toBe('next: /tusker');
    expect(await (await fetch(`${base}/other`)).text()).toBe('next: /other');
    const options = await fetch(`${base}/tus`, { method: 'OPTIONS' });
    expect(options.status).toBe(204);
    expect(options.headers.get('tus-version')).toBe('1.0.0');
    expect(options.headers.get('tus-max-size')).toBe('1234');
    const created = await fetch(`${base}/tus`, { method: 'POST', headers: { 'Tus-Resumable': '1.0.0', 'Upload-Length': '5' } });
    expect(created.status).toBe(201);
    const url = new URL(created.headers.get('location')!, base).href;
    const patched = await fetch(url, {
      method: 'PATCH',
      headers: { 'Tus-Resumable': '1.0.0', 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' },
      body: 'hello',
    });
    expect(patched.status).toBe(204);
    expect(patched.headers.get('upload-offset')).toBe('5');
    // A body Koa would have added ("No Content" / "Not Found") never reaches the client.
    expect(await patched.text()).toBe('');
    expect(errors).toEqual([]);
  });
});
