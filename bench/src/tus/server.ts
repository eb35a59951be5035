/**
 * One tus benchmark server (argv[2] is its kind) on 127.0.0.1, storing into
 * the S3 bucket the environment names. The orchestrator controls it over IPC:
 * `port`; `stats` (process.cpuUsage); `stored` (the size, by HeadObject, of
 * every upload completed since the last `cleanup`); `cleanup` (forget them,
 * then GC; the orchestrator empties the bucket).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveRequests } from '../lib/child.js';
import { TUS_PART_SIZE, TUS_PATH, type TusKind } from './kinds.js';
import { s3ClientConfig } from './s3-config.js';

const kind = process.argv[2] as TusKind;
const env = process.env;
const bucket = env.S3_BUCKET!;
const clientConfig = s3ClientConfig(env);

/** Keys of the uploads completed since the last cleanup. */
const completed: string[] = [];

async function listener(): Promise<(req: http.IncomingMessage, res: http.ServerResponse) => void> {
  if (kind === 'sluice-tus-s3') {
    const { createTusHandler } = await import('@sluice/core/tus');
    const { s3Resumable } = await import('@sluice/core/s3');
    const tus = createTusHandler({
      store: s3Resumable({ bucket, clientConfig }),
      path: TUS_PATH,
      limits: { fileSize: 1024 ** 4 },
      onComplete: (file) => {
        completed.push(file.key);
      },
    });
    return (req, res) => void tus.handleNode(req, res);
  }
  const { Server } = await import('@tus/server');
  const { S3Store } = await import('@tus/s3-store');
  const server = new Server({
    path: TUS_PATH,
    datastore: new S3Store({ partSize: TUS_PART_SIZE, s3ClientConfig: { bucket, ...clientConfig } }),
    onUploadFinish: async (_req, upload) => {
      completed.push(upload.id);
      return {};
    },
  });
  return (req, res) => void server.handle(req, res);
}

const server = http.createServer(await listener());
server.keepAliveTimeout = 60_000;
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const sdk = await import('@aws-sdk/client-s3');
const client = new sdk.S3Client(clientConfig);

serveRequests(async (message) => {
  switch (message.type) {
    case 'port':
      return { port: (server.address() as AddressInfo).port };
    case 'stats':
      return { cpu: process.cpuUsage() };
    case 'stored':
      return Promise.all(completed.map(async (key) => ({ key, size: (await client.send(new sdk.HeadObjectCommand({ Bucket: bucket, Key: key }))).ContentLength ?? -1 })));
    case 'cleanup':
      completed.length = 0;
      (globalThis as { gc?: () => void }).gc?.();
      return {};
    default:
      throw new Error(`unknown request ${message.type}`);
  }
});
