import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryStorage } from '@sluice/core';
import { buildMultipart, socketTransport } from '@sluice/core/testing';
import { upload, type UploadEnv } from '../src/index.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function listen(app: Hono<UploadEnv>): Promise<ReturnType<typeof socketTransport>> {
  const server = await new Promise<Server>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started as Server));
  });
  servers.push(server);
  return socketTransport(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
}

const form = buildMultipart([{ name: 'doc', filename: 'a.txt', content: 'hello', contentType: 'text/plain' }]);
const send = (transport: ReturnType<typeof socketTransport>) => transport.send({ headers: { 'content-type': form.contentType }, body: form.body });

describe('@sluice/hono on @hono/node-server', () => {
  it('reads the Node request itself, so the Web body stream is never built', async () => {
    const app = new Hono<UploadEnv>();
    app.post('/upload', upload({ storage: memoryStorage() }), (c) => c.json({ size: c.get('files').doc![0]!.size, webBodyUsed: c.req.raw.bodyUsed }));
    const response = await send(await listen(app));
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ size: 5, webBodyUsed: false });
  });

  it('refuses, rather than truncates, a body an earlier middleware began to read through the Web stream', async () => {
    const app = new Hono<UploadEnv>();
    app.use(async (c, next) => {
      // One chunk taken through the Web stream: from then on the Node request is no longer whole.
      await c.req.raw.body!.getReader().read();
      await next();
    });
    app.post('/upload', upload({ storage: memoryStorage() }), (c) => c.json({ size: c.get('files').doc![0]!.size }));
    app.onError((error, c) => c.json({ code: ((error as Error).cause as { code?: string } | undefined)?.code }, 500));
    const response = await send(await listen(app));
    expect(response.status).toBe(500);
    expect(response.json).toEqual({ code: 'BODY_ALREADY_CONSUMED' });
  });
});
