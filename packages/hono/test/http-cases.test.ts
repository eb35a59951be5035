import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { fetchTransport, runHttpCases, socketTransport, type HttpSubjectSetup } from '@sluice/core/testing';
import { upload, type UploadEnv } from '../src/index.js';

function createApp({ handler, preRead }: HttpSubjectSetup): Hono<UploadEnv> {
  const app = new Hono<UploadEnv>();
  if (preRead) {
    app.use(async (c, next) => {
      await c.req.text();
      await next();
    });
  }
  app.post('/upload', upload(handler), (c) => c.json({ files: c.get('files'), fields: c.get('fields'), upload: c.get('upload') }));
  return app;
}

runHttpCases('hono on @hono/node-server', async (setup) => {
  const app = createApp(setup);
  const server: ServerType = await new Promise((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
  });
  const { port } = server.address() as AddressInfo;
  return {
    transport: socketTransport(`http://127.0.0.1:${port}`),
    close: () =>
      new Promise<void>((resolve) => {
        (server as import('node:http').Server).closeAllConnections();
        server.close(() => resolve());
      }),
  };
});

runHttpCases('hono through app.fetch with a Web ReadableStream body', async (setup) => {
  const app = createApp(setup);
  return { transport: fetchTransport((request) => app.fetch(request)), close: async () => {} };
});
