import { createServer } from 'node:http';
import Koa from 'koa';
import Router from '@koa/router';
import { tusMiddleware, upload } from '@sluice/koa';
import { PAGE_HEADERS, TUS_CLIENT_PATH, TUS_PATH, hardenServer, listFiles, listen, metricsResponse, openDownload, uploadResponse, type DemoSetup, type RunningDemo } from '@sluice/demo-common';
import type { UploadResult } from '@sluice/core';

/**
 * The demo on Koa: the page, `POST /upload`, the tus endpoint at `/tus`, `GET /files`, `GET /files/<key>`.
 * Upload errors reach Koa unhandled on purpose: the adapter answers them as JSON.
 */
export function createApp({ storage, handler, page, tus, tusClient, load }: DemoSetup): Koa {
  const app = new Koa();
  app.silent = true;
  const router = new Router();

  router.get('/', (ctx) => {
    ctx.set(PAGE_HEADERS);
    ctx.body = page;
  });

  router.post('/upload', upload(handler), (ctx) => {
    ctx.body = uploadResponse(ctx.state.upload as UploadResult);
  });

  router.get(TUS_CLIENT_PATH, (ctx) => {
    ctx.set(tusClient.headers);
    ctx.body = tusClient.body;
  });

  router.get('/metrics', (ctx) => {
    const metrics = metricsResponse(load);
    ctx.set(metrics.headers);
    ctx.body = metrics.body;
  });

  router.get('/files', async (ctx) => {
    ctx.body = await listFiles(storage);
  });

  // ctx.path is still percent-encoded: openDownload decodes and checks the key itself.
  router.get('/files/*key', async (ctx) => {
    const download = await openDownload(storage, ctx.path.slice('/files/'.length));
    if (!download) {
      ctx.status = 404;
      ctx.body = { error: { code: 'NOT_FOUND', message: 'No such file' } };
      return;
    }
    ctx.set(download.headers);
    ctx.body = download.body;
  });

  app.use(tusMiddleware(tus, { path: TUS_PATH }));
  app.use(router.routes()).use(router.allowedMethods());
  return app;
}

/** Starts the Koa demo on `setup.config.port` (0 for any free port). */
export function startServer(setup: DemoSetup): Promise<RunningDemo> {
  const server = createServer(createApp(setup).callback());
  hardenServer(server, setup.config, setup.handler);
  return listen(server, setup.config);
}
