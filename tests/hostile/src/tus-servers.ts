import http from 'node:http';
import { serve } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import type { TusHandler } from '@sluice/core/tus';
import { tusRouter } from '@sluice/express';
import { sluiceTus } from '@sluice/fastify';
import { tusHono } from '@sluice/hono';
import { tusMiddleware } from '@sluice/koa';
import { listening, NODE_SERVER_OPTIONS } from './servers.js';

/** The adapters the tus rows run on, each on a real Node HTTP server. */
export const TUS_ADAPTERS = ['express', 'koa', 'hono', 'hono-web', 'fastify'] as const;
/** One of {@link TUS_ADAPTERS}. */
export type TusAdapterName = (typeof TUS_ADAPTERS)[number];

/** Where every tus server of the suite mounts the endpoint. */
export const TUS_PATH = '/tus';

/** A running tus server for one row. */
export interface RunningTusServer {
  adapter: TusAdapterName;
  port: number;
  close(): Promise<void>;
}

// biome-ignore lint/suspicious/noExplicitAny: one handler serves every framework, so its request type is left open
type AnyTus = TusHandler<any>;

function expressServer(tus: AnyTus): http.Server {
  const app = express();
  app.use(TUS_PATH, tusRouter(tus));
  return http.createServer(NODE_SERVER_OPTIONS, app);
}

function koaServer(tus: AnyTus): http.Server {
  const app = new Koa();
  app.silent = true;
  app.use(tusMiddleware(tus, { path: TUS_PATH }));
  return http.createServer(NODE_SERVER_OPTIONS, app.callback());
}

/**
 * Hono on @hono/node-server. With `webOnly` the app sees only the Web
 * Request (as on Bun, Deno or Workers), so `tusHono` takes the Web path,
 * `tus.fetch`, instead of streaming the Node request.
 */
function honoServer(tus: AnyTus, webOnly: boolean): http.Server {
  const app = new Hono();
  app.all(`${TUS_PATH}/*`, tusHono(tus));
  const fetch = webOnly ? (request: Request) => app.fetch(request) : app.fetch;
  return serve({ fetch, port: 0, hostname: '127.0.0.1', serverOptions: NODE_SERVER_OPTIONS }) as http.Server;
}

async function fastifyServer(tus: AnyTus): Promise<http.Server> {
  let server: http.Server | undefined;
  const app = Fastify({ serverFactory: (handle) => (server = http.createServer(NODE_SERVER_OPTIONS, handle)) });
  await app.register(sluiceTus, { tus, prefix: TUS_PATH });
  await app.ready();
  return server!;
}

/**
 * Mounts `tus` at {@link TUS_PATH} the way each adapter's documentation says
 * (`app.use('/tus', tusRouter(tus))`, `app.use(tusMiddleware(tus, { path: '/tus' }))`, `app.all('/tus/*', tusHono(tus))`,
 * `register(sluiceTus, { prefix: '/tus' })`) on a Node server with the
 * suite's short {@link NODE_SERVER_OPTIONS}, on an ephemeral loopback port.
 */
export async function startTusServer(adapter: TusAdapterName, tus: AnyTus): Promise<RunningTusServer> {
  let server: http.Server;
  if (adapter === 'hono' || adapter === 'hono-web') server = honoServer(tus, adapter === 'hono-web');
  else {
    server = adapter === 'express' ? expressServer(tus) : adapter === 'koa' ? koaServer(tus) : await fastifyServer(tus);
    server.listen(0, '127.0.0.1');
  }
  // A client may half-close once its request is sent; see servers.ts.
  (server as http.Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
  const port = await listening(server);
  return {
    adapter,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
