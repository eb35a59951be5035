import { createServer } from 'node:http';
import { pipeline } from 'node:stream';
import express, { type ErrorRequestHandler, type Express } from 'express';
import { tusRouter, upload, uploadErrorHandler } from '@sluice/express';
import { PAGE_HEADERS, TUS_CLIENT_PATH, TUS_PATH, hardenServer, listFiles, listen, metricsResponse, openDownload, uploadResponse, type DemoSetup, type RunningDemo } from '@sluice/demo-common';

/** The demo on Express: the page, `POST /upload`, the tus endpoint at `/tus`, `GET /files`, `GET /files/<key>`. */
export function createApp({ storage, handler, page, tus, tusClient, load }: DemoSetup): Express {
  const app = express();
  app.disable('x-powered-by');

  app.get('/', (_req, res) => {
    res.set(PAGE_HEADERS).send(page);
  });

  app.post('/upload', upload(handler), (_req, res) => {
    res.json(uploadResponse(res.locals.upload!));
  });

  app.use(TUS_PATH, tusRouter(tus));
  app.get(TUS_CLIENT_PATH, (_req, res) => {
    res.set(tusClient.headers).send(tusClient.body);
  });

  app.get('/metrics', (_req, res) => {
    const metrics = metricsResponse(load);
    res.set(metrics.headers).send(metrics.body);
  });

  app.get('/files', async (_req, res) => {
    res.json(await listFiles(storage));
  });

  // Mounted, not routed with a parameter: Express would decode the key itself
  // (answering 400 for bad escapes); openDownload decodes and checks it.
  app.use('/files/', async (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const download = await openDownload(storage, req.path.slice(1));
    if (!download) {
      res.status(404).json({ error: { code: 'NOT_FOUND', message: 'No such file' } });
      return;
    }
    res.set(download.headers);
    // pipeline, not pipe: when the client goes away first, the file stream is
    // destroyed too (pipe would leave it paused, its descriptor open for good).
    pipeline(download.body, res, () => {});
  });

  app.use(uploadErrorHandler);
  // Anything else: a status and a generic message, never Express's stack-trace page.
  app.use(((error, _req, res, _next) => {
    const status = Number.isInteger(error?.status) && error.status >= 400 && error.status < 500 ? (error.status as number) : 500;
    res.status(status).json({ error: status === 500 ? { code: 'INTERNAL', message: 'Internal error' } : { code: 'BAD_REQUEST', message: 'Bad request' } });
  }) as ErrorRequestHandler);
  return app;
}

/** Starts the Express demo on `setup.config.port` (0 for any free port). */
export function startServer(setup: DemoSetup): Promise<RunningDemo> {
  const server = createServer(createApp(setup));
  hardenServer(server, setup.config, setup.handler);
  return listen(server, setup.config);
}
