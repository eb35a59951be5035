import { createServer } from 'node:http';
import { createUploadHandler } from '@sluice/core';
import { type DemoFile, type DemoSetup, type DemoUploadResponse, demoUploadOptions, hardenServer, listen, loadConfig, prepareDemo, uploadResponse } from '@sluice/demo-common';
import { upload } from '@sluice/express';
import { createApp } from '../../../apps/express-demo/src/app.js';

/** The running Express demo and what it answers. */
export interface Demo {
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the Express demo (memory storage, the demo's own options and page)
 * on a free port, with raw-body uploads accepted and one extra route, `PUT
 * /upload`, for clients that PUT a raw body (`curl -T`).
 */
export async function startDemo(): Promise<Demo> {
  const prepared = await prepareDemo(loadConfig({ PORT: '0', STORAGE: 'memory', MAX_FILE_SIZE: '8MiB' }), 'Express');
  const handler = createUploadHandler({ ...demoUploadOptions(prepared.config, prepared.storage), rawUpload: true });
  const setup: DemoSetup = { ...prepared, handler };
  const app = createApp(setup);
  app.put('/upload', upload(handler), (_req, res) => {
    res.json(uploadResponse(res.locals.upload!));
  });
  const server = createServer(app);
  hardenServer(server, setup.config, handler);
  return listen(server, setup.config);
}

/** The body of a successful `POST /upload`. */
export type UploadAnswer = DemoUploadResponse;
export type { DemoFile };

/** Downloads a stored file back from the demo (`GET /files/<key>`). */
export async function download(demo: Demo, file: DemoFile): Promise<Buffer> {
  const response = await fetch(new URL(file.url, demo.url));
  if (response.status !== 200) throw new Error(`GET ${file.url}: ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}
