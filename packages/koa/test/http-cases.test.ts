import Koa from 'koa';
import { runHttpCases, serverSubject } from '@sluice/core/testing';
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
  return serverSubject(app.listen(0, '127.0.0.1'));
});
