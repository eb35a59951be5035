import type { Server } from 'node:http';
import { createUploadHandler, type LoadGovernor, type StorageDriver, type UploadHandler } from '@sluice/core';
import type { TusHandler } from '@sluice/core/tus';
import { installContinueGate } from '@sluice/core/node';
import type { DemoConfig } from './config.js';
import { renderPage } from './page.js';
import { createStorage, type ImportS3 } from './storage.js';
import { createDemoLoad, createDemoLocker } from './cluster.js';
import { createDemoTus, createResumableStore, tusClientScript, type ImportS3Resumable } from './tus.js';
import { demoUploadOptions } from './upload-options.js';

/** Everything an app needs, resolved once at start-up: what `createApp` takes. */
export interface DemoSetup {
  config: DemoConfig;
  storage: StorageDriver;
  /** The upload handler to mount on `POST /upload` (events can be listened to). */
  // biome-ignore lint/suspicious/noExplicitAny: one handler serves every framework, so its request type is left open
  handler: UploadHandler<any>;
  /** The page for `GET /`, already rendered. */
  page: string;
  /** The tus endpoint to mount at `/tus` (TUS_PATH): same limits, types, keys and storage as `handler`. */
  tus: TusHandler<unknown>;
  /** tus-js-client's browser build for `GET /vendor/tus.min.js` (TUS_CLIENT_PATH). */
  tusClient: { body: Buffer; headers: Record<string, string> };
  /** Admission and gauges of this instance, served at `GET /metrics`. */
  load: LoadGovernor;
}

/** A running demo server. */
export interface RunningDemo {
  url: string;
  close(): Promise<void>;
}

/** Builds the storage, the handler and the page from a configuration. */
export async function prepareDemo(config: DemoConfig, framework: string, options: { storage?: StorageDriver; importS3?: ImportS3; importS3Resumable?: ImportS3Resumable } = {}): Promise<DemoSetup> {
  const storage = options.storage ?? (await createStorage(config, options.importS3));
  // One admission budget and one set of gauges for both endpoints of this instance.
  const load = createDemoLoad(config.cluster, storage);
  const handler = createUploadHandler({ ...demoUploadOptions(config, storage), load });
  load.observe(handler);
  const tus = createDemoTus(config, await createResumableStore(config, storage, options.importS3Resumable), { locker: await createDemoLocker(config.cluster), load });
  load.observe(tus);
  return { config, storage, handler, page: renderPage({ framework, config }), tus, tusClient: tusClientScript(), load };
}

/**
 * Tightens a Node server for an upload endpoint (its defaults are minutes):
 * headers must arrive within 15 s, checked every second; a whole request may
 * take a little longer than the upload's own `REQUEST_TIMEOUT_MS`, so the
 * upload's JSON 408 and its cleanup win over Node's. A client may half-close
 * after sending and still read the answer. With a handler, `Expect:
 * 100-continue` on `POST /upload` is answered from the headers (413 for an
 * oversized Content-Length, with no `100 Continue`). Call before `listen()`.
 */
// biome-ignore lint/suspicious/noExplicitAny: one handler serves every framework, so its request type is left open
export function hardenServer(server: Server, config: DemoConfig, handler?: UploadHandler<any>): void {
  server.headersTimeout = 15_000;
  server.requestTimeout = config.requestTimeoutMs + 10_000;
  // Read when the server starts listening; Node's default of 30 s makes a 15 s headersTimeout fire at up to 45 s.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = 1_000;
  // Undocumented but long-standing: without it Node closes the socket on the client's FIN and the response is lost.
  Object.assign(server, { httpAllowHalfOpen: true });
  if (handler) installContinueGate(server, handler, { match: (req) => req.method === 'POST' && (req.url ?? '').split('?')[0] === '/upload' });
}

/** Starts listening and resolves with the URL a person can open. */
export async function listen(server: Server, config: Pick<DemoConfig, 'port' | 'host'>): Promise<RunningDemo> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = ['127.0.0.1', '::1', '0.0.0.0', '::'].includes(config.host) ? 'localhost' : config.host;
  return { url: `http://${host}:${port}`, close: () => closeServer(server) };
}

/** Stops accepting, lets requests in flight finish for up to `graceMs`, then cuts what is left. */
export function closeServer(server: Server, graceMs = 5000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
