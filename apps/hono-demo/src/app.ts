import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { tusHono, upload, type UploadEnv } from '@sluice/hono';
import { PAGE_HEADERS, TUS_CLIENT_PATH, TUS_PATH, hardenServer, listFiles, listen, metricsResponse, openDownload, uploadResponse, type DemoSetup, type RunningDemo } from '@sluice/demo-common';
import { Readable } from 'node:stream';

/**
 * The demo on Hono: the page, `POST /upload`, the tus endpoint at `/tus`, `GET /files`, `GET /files/<key>`.
 * Upload errors are the adapter's `HTTPException`s, answered by Hono itself.
 */
export function createApp({ storage, handler, page, tus, tusClient, load }: DemoSetup): Hono<UploadEnv> {
  const app = new Hono<UploadEnv>();

  app.get('/', (c) => c.body(page, 200, { ...PAGE_HEADERS }));

  app.post('/upload', upload(handler), (c) => c.json(uploadResponse(c.get('upload'))));

  app.all(`${TUS_PATH}/*`, tusHono(tus));
  app.get(TUS_CLIENT_PATH, (c) => c.body(new Uint8Array(tusClient.body), 200, tusClient.headers));

  app.get('/metrics', (c) => {
    const metrics = metricsResponse(load);
    return c.body(metrics.body, 200, metrics.headers);
  });

  app.get('/files', async (c) => c.json(await listFiles(storage)));

  // The raw URL path is still percent-encoded: openDownload decodes and checks the key itself.
  app.get('/files/*', async (c) => {
    const path = new URL(c.req.url).pathname;
    const download = await openDownload(storage, path.slice('/files/'.length));
    if (!download) return c.json({ error: { code: 'NOT_FOUND', message: 'No such file' } }, 404);
    return new Response(Readable.toWeb(download.body) as ReadableStream, { headers: download.headers });
  });

  return app;
}

/** Starts the Hono demo on Node (`@hono/node-server`) on `setup.config.port` (0 for any free port). */
export function startServer(setup: DemoSetup): Promise<RunningDemo> {
  const server = createAdaptorServer({ fetch: createApp(setup).fetch }) as Server;
  hardenServer(server, setup.config, setup.handler);
  return listen(server, setup.config);
}
