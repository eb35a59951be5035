/**
 * One benchmark server (argv[2] is its kind, argv[3] a scratch directory) on
 * 127.0.0.1. Every upload goes to POST /upload; the answer is JSON with the
 * bytes that reached the destination, measured there (drained, stat'ed on
 * disk, or held in memory). The orchestrator controls it over IPC: `port`,
 * `stats` (process.cpuUsage), `cleanup` (delete stored files, then GC).
 */
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createWriteStream } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serveRequests } from '../lib/child.js';
import { S3_PART_SIZE, S3_QUEUE_SIZE, type ServerKind } from './kinds.js';

const kind = process.argv[2] as ServerKind;
const dir = process.argv[3]!;
await mkdir(dir, { recursive: true });

const LIMITS = { fileSize: Infinity, totalSize: Infinity } as const;
let afterUpload: () => void | Promise<void> = () => {};
let extraRequest: ((message: Record<string, unknown>) => Promise<unknown>) | undefined;

/** The S3 client of the S3 kinds, from the environment the orchestrator passes. */
async function s3(): Promise<{ client: import('@aws-sdk/client-s3').S3Client; bucket: string; sdk: typeof import('@aws-sdk/client-s3') }> {
  const sdk = await import('@aws-sdk/client-s3');
  const env = process.env;
  const client = new sdk.S3Client({
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION ?? 'us-east-1',
    forcePathStyle: env.S3_FORCE_PATH_STYLE !== 'false',
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return { client, bucket: env.S3_BUCKET!, sdk };
}

/** Keys stored by the S3 kinds: their sizes are checked with HeadObject, and they are deleted at cleanup. */
async function s3Sizes(keys: string[]): Promise<{ measure: (key: string) => Promise<number>; forget: () => Promise<void> }> {
  const { client, bucket, sdk } = await s3();
  return {
    measure: async (key) => {
      keys.push(key);
      return (await client.send(new sdk.HeadObjectCommand({ Bucket: bucket, Key: key }))).ContentLength ?? -1;
    },
    forget: async () => {
      const all = keys.splice(0);
      await Promise.all(all.map((key) => client.send(new sdk.DeleteObjectCommand({ Bucket: bucket, Key: key }))));
    },
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function fail(res: ServerResponse, error: unknown): void {
  if (!res.headersSent) json(res, 500, { error: String((error as Error)?.stack ?? error) });
}

async function sizeOnDisk(file: string): Promise<number> {
  return (await stat(file)).size;
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

async function nodeServer(handle: (req: IncomingMessage, res: ServerResponse) => Promise<unknown>): Promise<Listener> {
  return (req, res) => {
    if (req.method !== 'POST') return json(res, 404, {});
    handle(req, res).then(
      (body) => json(res, 200, body),
      (error) => fail(res, error),
    );
  };
}

async function build(): Promise<Listener> {
  switch (kind) {
    case 'drain':
      return nodeServer(
        (req) =>
          new Promise((resolve, reject) => {
            let bytes = 0;
            req.on('data', (chunk: Buffer) => (bytes += chunk.length));
            req.on('end', () => resolve({ bytes }));
            req.on('error', reject);
          }),
      );
    case 'pipeline-disk':
      return nodeServer(async (req) => {
        const file = path.join(dir, randomBytes(8).toString('hex'));
        await pipeline(req, createWriteStream(file));
        return { bytes: await sizeOnDisk(file) };
      });
    case 'busboy-discard': {
      const { default: busboy } = await import('busboy');
      return nodeServer(
        (req) =>
          new Promise((resolve, reject) => {
            let bytes = 0;
            const parser = busboy({ headers: req.headers, defParamCharset: 'utf8' });
            parser.on('file', (_name, stream) => stream.on('data', (chunk: Buffer) => (bytes += chunk.length)));
            parser.on('close', () => resolve({ bytes }));
            parser.on('error', reject);
            req.pipe(parser);
          }),
      );
    }
    case 'fastify-busboy-discard': {
      const { Busboy } = await import('@fastify/busboy');
      return nodeServer(
        (req) =>
          new Promise((resolve, reject) => {
            let bytes = 0;
            const parser = Busboy({ headers: req.headers as { 'content-type': string } });
            parser.on('file', (_name, stream) => stream.on('data', (chunk: Buffer) => (bytes += chunk.length)));
            parser.on('finish', () => resolve({ bytes }));
            parser.on('error', reject);
            req.pipe(parser);
          }),
      );
    }
    case 'formidable-discard':
    case 'formidable-disk': {
      const { default: formidable } = await import('formidable');
      const { countingSink } = await import('../parse/contenders.js');
      return nodeServer(async (req) => {
        let drained = 0;
        const form = formidable({
          uploadDir: dir,
          maxFileSize: Number.MAX_SAFE_INTEGER,
          maxTotalFileSize: Number.MAX_SAFE_INTEGER,
          ...(kind === 'formidable-discard' ? { fileWriteStreamHandler: () => countingSink((n) => (drained += n)) } : {}),
        });
        const [, files] = await form.parse(req);
        if (kind === 'formidable-discard') return { bytes: drained };
        let bytes = 0;
        for (const list of Object.values(files)) for (const file of list ?? []) bytes += await sizeOnDisk(file.filepath);
        return { bytes };
      });
    }
    case 'sluice-discard':
    case 'sluice-busboy-discard':
    case 'sluice-fastify-discard':
    case 'sluice-memory':
    case 'sluice-disk': {
      const { default: express } = await import('express');
      const { upload } = await import('@sluice/express');
      const { memoryStorage, diskStorage } = await import('@sluice/core');
      const { createHandlerWithEngine } = await import('../lib/core-engine.js');
      const { discardStorage } = await import('../lib/discard-storage.js');
      const discard = discardStorage();
      const memory = memoryStorage();
      const storage = kind === 'sluice-memory' ? memory : kind === 'sluice-disk' ? diskStorage({ root: dir }) : discard;
      if (kind === 'sluice-fastify-discard') throw new Error('the @fastify/busboy engine was retired from @sluice/core');
      const engine = kind === 'sluice-busboy-discard' ? 'busboy' : 'sluice';
      const handler = createHandlerWithEngine({ storage, limits: LIMITS }, engine);
      afterUpload = () => memory.clear();
      let discardBase = 0;
      const app = express();
      app.post('/upload', upload(handler), (req, res, next) => {
        const files = Object.values(req.files ?? {}).flat();
        const measure = async (): Promise<number> => {
          if (kind === 'sluice-memory') return files.reduce((sum, file) => sum + (memory.read(file.key)?.length ?? 0), 0);
          if (kind === 'sluice-disk') {
            let bytes = 0;
            for (const file of files) bytes += await sizeOnDisk(file.location!);
            return bytes;
          }
          return discard.bytes;
        };
        const before = kind === 'sluice-discard' || kind === 'sluice-busboy-discard' ? discardBase : 0;
        measure().then((bytes) => {
          discardBase = discard.bytes;
          res.json({ bytes: bytes - before });
        }, next);
      });
      app.use(((error, _req, res, _next) => fail(res, error)) as import('express').ErrorRequestHandler);
      return app as unknown as Listener;
    }
    case 'sluice-koa-discard': {
      const { default: Koa } = await import('koa');
      const { upload } = await import('@sluice/koa');
      const { createHandlerWithEngine } = await import('../lib/core-engine.js');
      const { discardStorage } = await import('../lib/discard-storage.js');
      const discard = discardStorage();
      let base = 0;
      const app = new Koa();
      app.use(upload(createHandlerWithEngine<import('koa').Context>({ storage: discard, limits: LIMITS })));
      app.use((ctx) => {
        ctx.body = { bytes: discard.bytes - base };
        base = discard.bytes;
      });
      return app.callback() as Listener;
    }
    case 'fastify-sluice-discard':
    case 'fastify-multipart-discard':
      return (await import('./fastify-servers.js')).fastifyListener(kind, LIMITS);
    case 'sluice-hono-discard':
      // Served by @hono/node-server below.
      return (() => {}) as Listener;
    case 'sluice-s3': {
      const { default: express } = await import('express');
      const { upload } = await import('@sluice/express');
      const { s3Storage } = await import('@sluice/core/s3');
      const { client, bucket } = await s3();
      const sizes = await s3Sizes([]);
      afterUpload = sizes.forget;
      const handler = createHandlerFor(s3Storage({ client, bucket, partSize: S3_PART_SIZE, queueSize: S3_QUEUE_SIZE }));
      const app = express();
      app.post('/upload', upload(await handler), (req, res, next) => {
        const files = Object.values(req.files ?? {}).flat();
        Promise.all(files.map((file) => sizes.measure(file.key))).then((list) => res.json({ bytes: list.reduce((a, b) => a + b, 0) }), next);
      });
      app.use(((error, _req, res, _next) => fail(res, error)) as import('express').ErrorRequestHandler);
      return app as unknown as Listener;
    }
    case 'multer-s3': {
      const { default: express } = await import('express');
      const { default: multer } = await import('multer');
      const { default: multerS3 } = await import('multer-s3');
      const { client, bucket } = await s3();
      const sizes = await s3Sizes([]);
      afterUpload = sizes.forget;
      const storage = multerS3({ s3: client, bucket, key: (_req, _file, cb) => cb(null, `multer-s3/${randomBytes(8).toString('hex')}`) });
      const app = express();
      app.post('/upload', multer({ storage }).single('file'), (req, res, next) => {
        const file = req.file as Express.MulterS3.File;
        sizes.measure(file.key).then((bytes) => res.json({ bytes }), next);
      });
      app.use(((error, _req, res, _next) => fail(res, error)) as import('express').ErrorRequestHandler);
      return app as unknown as Listener;
    }
    case 'lib-storage': {
      // Not an HTTP server: uploads a buffer it holds when asked over IPC.
      const { Upload } = await import('@aws-sdk/lib-storage');
      const { noiseOf } = await import('../lib/content.js');
      const { client, bucket } = await s3();
      const sizes = await s3Sizes([]);
      afterUpload = sizes.forget;
      let held: Buffer | undefined;
      extraRequest = async (message) => {
        const bytes = Number(message.bytes);
        if (held?.length !== bytes) held = noiseOf(bytes);
        const key = `lib-storage/${randomBytes(8).toString('hex')}`;
        const start = performance.now();
        await new Upload({ client, params: { Bucket: bucket, Key: key, Body: held }, partSize: S3_PART_SIZE, queueSize: S3_QUEUE_SIZE }).done();
        const ms = performance.now() - start;
        return { ms, bytes: await sizes.measure(key) };
      };
      return (_req, res) => json(res, 404, {});
    }
    case 'multer-memory':
    case 'multer-disk': {
      const { default: express } = await import('express');
      const { default: multer } = await import('multer');
      const middleware = (kind === 'multer-memory' ? multer({ storage: multer.memoryStorage() }) : multer({ dest: dir })).single('file');
      const app = express();
      app.post('/upload', middleware, (req, res, next) => {
        const file = req.file!;
        if (kind === 'multer-memory') return void res.json({ bytes: file.buffer.length });
        sizeOnDisk(file.path).then((bytes) => res.json({ bytes }), next);
      });
      app.use(((error, _req, res, _next) => fail(res, error)) as import('express').ErrorRequestHandler);
      return app as unknown as Listener;
    }
  }
}

async function createHandlerFor(storage: import('@sluice/core').StorageDriver): Promise<import('@sluice/core').UploadHandler<import('express').Request>> {
  const { createHandlerWithEngine } = await import('../lib/core-engine.js');
  return createHandlerWithEngine<import('express').Request>({ storage, limits: LIMITS });
}

async function listen(): Promise<number> {
  if (kind === 'sluice-hono-discard') {
    const { Hono } = await import('hono');
    const { serve } = await import('@hono/node-server');
    const { upload } = await import('@sluice/hono');
    const { createHandlerWithEngine } = await import('../lib/core-engine.js');
    const { discardStorage } = await import('../lib/discard-storage.js');
    const discard = discardStorage();
    let base = 0;
    const app = new Hono();
    app.post('/upload', upload(createHandlerWithEngine<import('hono').Context>({ storage: discard, limits: LIMITS })), (c) => {
      const bytes = discard.bytes - base;
      base = discard.bytes;
      return c.json({ bytes });
    });
    return new Promise((resolve) => {
      const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => resolve(info.port));
      void server;
    });
  }
  const server = http.createServer(await build());
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

const port = await listen();
const gc = (globalThis as { gc?: () => void }).gc;

serveRequests(async (message) => {
  switch (message.type) {
    case 'port':
      return { port };
    case 'stats':
      return { cpu: process.cpuUsage(), memory: process.memoryUsage() };
    case 'cleanup': {
      await afterUpload();
      for (const entry of await readdir(dir)) await rm(path.join(dir, entry), { recursive: true, force: true });
      gc?.();
      return {};
    }
    default:
      if (extraRequest) return extraRequest(message);
      throw new Error(`unknown request ${message.type}`);
  }
});
