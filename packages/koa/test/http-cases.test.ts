import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { runHttpCases, socketTransport } from '@sluice/core/testing';
import { upload } from '../src/index.js';

runHttpCases('koa', async ({ handler, preRead }) => {
  const app = new Koa();
  app.silent = true;
  if (preRead) {
    app.use(async (ctx, next) => {
      for await (const _chunk of ctx.req) void _chunk;
      await next();
    });
  }
  const uploadMiddleware = upload(handler);
  app.use(async (ctx, next) => {
    if (ctx.method !== 'POST' || ctx.path !== '/upload') return next();
    await uploadMiddleware(ctx, async () => {
      ctx.body = { files: ctx.request.files, fields: ctx.request.body, upload: ctx.state.upload };
    });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    transport: socketTransport(`http://127.0.0.1:${port}`),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
});
