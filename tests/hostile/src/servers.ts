import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import express from 'express';
import Fastify, { type FastifyRequest } from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import type { UploadHandler } from '@sluice/core';
import { installContinueGate } from '@sluice/core/node';
import { upload as expressUpload, uploadErrorHandler } from '@sluice/express';
import { sluice } from '@sluice/fastify';
import { upload as honoUpload, type UploadEnv } from '@sluice/hono';
import { upload as koaUpload } from '@sluice/koa';

/** The adapters, each on a real Node HTTP server. */
export const ADAPTERS = ['express', 'koa', 'hono', 'fastify'] as const;
export type AdapterName = (typeof ADAPTERS)[number];

/**
 * Node's own limits for the suite's servers: short, so that slow-client cases
 * finish in about a second. Production values are in the README section.
 *
 * - `headersTimeout`: the whole request head must arrive within this (header
 *   drip / slowloris); Node answers 408 and closes.
 * - `requestTimeout`: Node's cap on the whole request. Kept above the
 *   handler's own `requestTimeoutMs` so that Sluice answers a slow body first,
 *   with its JSON 408 and its cleanup; Node's raw 408 is the backstop.
 * - `connectionsCheckingInterval`: how often Node checks the two above. Its
 *   default of 30 s makes any shorter timeout fire up to 30 s late.
 */
export const NODE_SERVER_OPTIONS = Object.freeze({
  headersTimeout: 1_000,
  requestTimeout: 6_000,
  connectionsCheckingInterval: 100,
  keepAliveTimeout: 5_000,
} satisfies http.ServerOptions);

/** A running server for one case. */
export interface RunningServer {
  adapter: AdapterName;
  port: number;
  server: http.Server;
  close(): Promise<void>;
}

/** The route answers the JSON a user would: the stored files, the fields and the whole result. */
// biome-ignore lint/suspicious/noExplicitAny: one handler serves every framework, so its request type is left open
function expressApp(handler: UploadHandler<any>): express.Express {
  const app = express();
  app.post('/upload', expressUpload(handler), (req, res) => {
    res.json({ files: req.files, fields: req.body, upload: res.locals.upload });
  });
  app.use(uploadErrorHandler);
  return app;
}

// biome-ignore lint/suspicious/noExplicitAny: one handler serves every framework, so its request type is left open
function koaApp(handler: UploadHandler<any>): Koa {
  const app = new Koa();
  // Koa logs non-exposed errors to stderr; every upload error is exposed, and
  // anything else would show up in the response status anyway.
  app.silent = true;
  const middleware = koaUpload(handler);
  app.use(async (ctx, next) => {
    if (ctx.method !== 'POST' || ctx.path !== '/upload') return next();
    await middleware(ctx, async () => {
      ctx.body = { files: ctx.request.files, fields: ctx.request.body, upload: ctx.state.upload };
    });
  });
  return app;
}

// biome-ignore lint/suspicious/noExplicitAny: one handler serves every framework, so its request type is left open
function honoApp(handler: UploadHandler<any>): Hono<UploadEnv> {
  const app = new Hono<UploadEnv>();
  app.post('/upload', honoUpload(handler), (c) => c.json({ files: c.get('files'), fields: c.get('fields'), upload: c.get('upload') }));
  return app;
}

/** Fastify on a Node server made with {@link NODE_SERVER_OPTIONS} (through `serverFactory`, which Fastify leaves as it is). */
async function fastifyServer(handler: UploadHandler<FastifyRequest>): Promise<http.Server> {
  let server: http.Server | undefined;
  const app = Fastify({ serverFactory: (handle) => (server = http.createServer(NODE_SERVER_OPTIONS, handle)) });
  await app.register(sluice);
  app.post('/upload', { config: { upload: handler } }, async (request) => ({ files: request.files, fields: request.body, upload: request.upload }));
  await app.ready();
  return server!;
}

/** Resolves with the server's port once it listens (at once when it already does). */
export function listening(server: http.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    const ready = (): void => resolve((server.address() as AddressInfo).port);
    if (server.listening) return ready();
    server.once('listening', ready);
    server.once('error', reject);
  });
}

/**
 * Starts `adapter` on an ephemeral 127.0.0.1 port the way a user would: the
 * adapter's `upload(handler)` on `POST /upload`, the adapter's documented
 * error handling, a Node server with {@link NODE_SERVER_OPTIONS}, and the
 * `Expect: 100-continue` gate on the upload route.
 */
// biome-ignore lint/suspicious/noExplicitAny: one handler serves every framework, so its request type is left open
export async function startServer(adapter: AdapterName, handler: UploadHandler<any>): Promise<RunningServer> {
  let server: http.Server;
  if (adapter === 'express') {
    server = http.createServer(NODE_SERVER_OPTIONS, expressApp(handler));
    server.listen(0, '127.0.0.1');
  } else if (adapter === 'koa') {
    server = http.createServer(NODE_SERVER_OPTIONS, koaApp(handler).callback());
    server.listen(0, '127.0.0.1');
  } else if (adapter === 'fastify') {
    server = await fastifyServer(handler);
    server.listen(0, '127.0.0.1');
  } else {
    server = serve({ fetch: honoApp(handler).fetch, port: 0, hostname: '127.0.0.1', serverOptions: NODE_SERVER_OPTIONS }) as http.Server;
  }
  // A client may half-close (send FIN) once its request is complete and still
  // wait for the response: RFC 9112 says a half-close neither delimits a
  // request nor means the client lost interest (httpwg/http-core#22). Node's
  // default ends the socket on that FIN, so a response not yet written is
  // lost; this undocumented but long-standing switch (kept in
  // nodejs/node#36819) keeps the socket writable until the response is out.
  (server as http.Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
  installContinueGate(server, handler, { match: (req) => req.method === 'POST' && req.url === '/upload' });
  const port = await listening(server);
  return {
    adapter,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
