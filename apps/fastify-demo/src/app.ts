import { createServer, type RequestListener, type Server } from 'node:http';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyServerFactory } from 'fastify';
import { isUploadError, sluice, sluiceTus } from '@sluice/fastify';
import { retryAfterHeaders } from '@sluice/core';
import { PAGE_HEADERS, TUS_CLIENT_PATH, TUS_PATH, hardenServer, listFiles, listen, metricsResponse, openDownload, uploadResponse, type DemoSetup, type RunningDemo } from '@sluice/demo-common';

const NOT_FOUND = { error: { code: 'NOT_FOUND', message: 'No such file' } };
const BAD_REQUEST = { error: { code: 'BAD_REQUEST', message: 'Bad request' } };

/**
 * The demo on Fastify: the page, `POST /upload`, the tus endpoint at `/tus`, `GET /files`, `GET /files/<key>`.
 * The app has its own error handler (so that no other error shows its
 * message); upload errors reach it as thrown and are answered with their JSON.
 */
export async function createApp({ storage, handler, page, tus, tusClient, load }: DemoSetup, serverFactory?: FastifyServerFactory): Promise<FastifyInstance> {
  const app = Fastify({
    serverFactory,
    // A key with a bad percent escape is a missing file, as on the other demos, not Fastify's 400.
    frameworkErrors: (error, request, reply: FastifyReply) => {
      if (error.code === 'FST_ERR_BAD_URL' && request.url.startsWith('/files/')) return reply.code(404).send(NOT_FOUND);
      return reply.code(400).send(BAD_REQUEST);
    },
  });
  await app.register(sluice);

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isUploadError(error)) return reply.code(error.statusCode).header('cache-control', 'no-store').headers(retryAfterHeaders(error)).send(error.toJSON());
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, 'request failed');
    return reply.code(status).send({ error: status === 500 ? { code: 'INTERNAL', message: 'Internal error' } : BAD_REQUEST.error });
  });

  app.get('/', (_request, reply) => reply.headers(PAGE_HEADERS).send(page));

  app.post('/upload', { config: { upload: handler } }, async (request) => uploadResponse(request.upload!));

  await app.register(sluiceTus, { tus, prefix: TUS_PATH });
  app.get(TUS_CLIENT_PATH, (_request, reply) => reply.headers(tusClient.headers).send(tusClient.body));

  app.get('/metrics', (_request, reply) => {
    const metrics = metricsResponse(load);
    return reply.headers(metrics.headers).send(metrics.body);
  });

  app.get('/files', async () => listFiles(storage));

  // The raw URL, not the wildcard parameter Fastify has already decoded: openDownload decodes and checks the key itself.
  app.get('/files/*', async (request, reply) => {
    const download = await openDownload(storage, request.raw.url!.split('?')[0]!.slice('/files/'.length));
    if (!download) return reply.code(404).send(NOT_FOUND);
    return reply.headers(download.headers).send(download.body);
  });
  return app;
}

/** Starts the Fastify demo on `setup.config.port` (0 for any free port). */
export async function startServer(setup: DemoSetup): Promise<RunningDemo> {
  let server: Server | undefined;
  // The Node server is made here so that it can be hardened before it listens.
  const app = await createApp(setup, (handle) => {
    server = createServer(handle as RequestListener);
    hardenServer(server, setup.config, setup.handler);
    return server;
  });
  await app.ready();
  const running = await listen(server!, setup.config);
  return {
    url: running.url,
    close: async () => {
      await running.close();
      await app.close();
    },
  };
}
