import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { datedKey, type KeyFunction, type MemoryStorage, type StorageDriver, type UploadLocker, type LoadGovernor } from '@sluice/core';
import { createTusHandler, diskResumable, memoryResumable, type ResumableStore, type TusHandler } from '@sluice/core/tus';
import type { DemoConfig } from './config.js';
import { S3_MODULE, s3ClientConfig, s3ModuleExport } from './s3-module.js';
import { refuseActiveTypes } from './upload-options.js';

/** Where every demo serves the tus endpoint: creation is `POST /tus`, an upload lives at `/tus/<id>`. */
export const TUS_PATH = '/tus';

/**
 * Where the S3 store keeps resumable state (info and partial objects) in the
 * demo's bucket. Those keys are neither listed nor downloadable: they hold
 * upload ids, which are the capability to continue an upload.
 */
export const TUS_STATE_PREFIX = '.tus/';

/** True for a storage key that holds resumable state rather than a file. */
export function isTusState(key: string): boolean {
  return key.startsWith(TUS_STATE_PREFIX);
}

/** How the S3 resumable store is loaded (replaceable in tests). */
export type ImportS3Resumable = () => Promise<{ s3Resumable?: (options: Record<string, unknown>) => ResumableStore }>;

const importS3Resumable: ImportS3Resumable = () => import(S3_MODULE);

/**
 * The resumable store next to the demo's storage, so that a completed upload
 * lands where `GET /files` lists it and `GET /files/<key>` serves it: on disk
 * the same root (state under `<root>/.tus`, hidden from listings), in memory
 * the same memory storage, on S3 the same bucket and client settings (state
 * under {@link TUS_STATE_PREFIX}, which the listing and downloads skip).
 */
export async function createResumableStore(config: DemoConfig, storage: StorageDriver, importS3: ImportS3Resumable = importS3Resumable): Promise<ResumableStore> {
  const settings = config.storage;
  if (settings.kind === 'disk') return diskResumable({ root: settings.dir });
  if (settings.kind === 'memory') return memoryResumable({ storage: storage as MemoryStorage });
  const s3Resumable = await s3ModuleExport(importS3, 's3Resumable');
  return s3Resumable({ bucket: settings.bucket, clientConfig: s3ClientConfig(settings), statePrefix: TUS_STATE_PREFIX });
}

/**
 * The demo's tus endpoint, on the same policy as its `POST /upload`:
 * `MAX_FILE_SIZE` (announced as `Tus-Max-Size`, refused at creation and past
 * it), `ALLOWED_TYPES` judged on the first bytes (without it, active content
 * is refused as for multipart), the dated keys and `CHECKSUM`.
 */
export function createDemoTus(config: DemoConfig, store: ResumableStore, cluster: { locker?: UploadLocker; load?: LoadGovernor } = {}): TusHandler<unknown> {
  const key = datedKey() as KeyFunction<unknown>;
  return createTusHandler<unknown>({
    store,
    path: TUS_PATH,
    limits: { fileSize: config.limits.fileSize },
    allowedTypes: config.allowedTypes,
    key: config.allowedTypes ? key : refuseActiveTypes(key),
    checksums: config.checksums,
    // With REDIS_URL, one lease per upload across every instance on that Redis.
    ...(cluster.locker ? { locker: cluster.locker } : {}),
    ...(cluster.load ? { load: cluster.load } : {}),
  });
}

/** The URL path the demo serves tus-js-client's browser build from (no CDN: the page loads nothing from elsewhere). */
export const TUS_CLIENT_PATH = '/vendor/tus.min.js';

/** tus-js-client's browser build, read once from the installed package, with the headers to serve it. */
export function tusClientScript(): { body: Buffer; headers: Record<string, string> } {
  const file = createRequire(import.meta.url).resolve('tus-js-client/dist/tus.min.js');
  const body = readFileSync(file);
  return {
    body,
    headers: {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Content-Length': String(body.length),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'public, max-age=3600',
    },
  };
}
