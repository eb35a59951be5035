import { createUploadHandler, type UploadHandler } from '../../src/session/create-upload-handler.js';
import type { UploadOptions } from '../../src/session/upload-options.js';
import type { UploadResult } from '../../src/result/types.js';
import type { UploadError } from '../../src/errors/upload-error.js';
import { s3Storage, type S3Storage } from '../../src/storage/s3/s3-storage.js';
import type { S3StorageOptions } from '../../src/storage/s3/options.js';
import type { StorageDriver } from '../../src/storage/types.js';
import { headersOf, keyUnder, type StreamingBody } from './bodies.js';
import { clientConfig, recordCommands } from '@sluice/s3-rig';
import type { TestSpace } from '@sluice/s3-rig';

/** An S3 driver on the suite's server, in `space`, with its own client so its commands can be recorded. */
export function spaceStorage(space: TestSpace, options: Partial<S3StorageOptions> = {}): { storage: S3Storage; commands: string[] } {
  const storage = s3Storage({ bucket: space.bucket, clientConfig: clientConfig(), ...options });
  return { storage, commands: recordCommands(storage.client) };
}

/** A handler storing into `space` through an S3 driver. */
export function s3Handler(space: TestSpace, driver: Partial<S3StorageOptions> = {}, options: Partial<UploadOptions> = {}): { handler: UploadHandler; storage: S3Storage; commands: string[] } {
  const { storage, commands } = spaceStorage(space, driver);
  return { handler: createUploadHandler({ storage, key: keyUnder(space.prefix), ...options }), storage, commands };
}

/** Sends a generated body through `handler`; resolves with the result or the UploadError. */
export async function sendBody(handler: UploadHandler, body: StreamingBody, signal?: AbortSignal): Promise<{ result?: UploadResult; error?: UploadError }> {
  try {
    return { result: await handler.handle({ headers: headersOf(body), body: body.body, signal }) };
  } catch (error) {
    return { error: error as UploadError };
  }
}

/**
 * The driver seen through a key prefix, so the conformance suite's fixed keys
 * ('a/b/c.bin') stay inside a test's space when it shares S3_BUCKET.
 */
export function prefixedDriver(driver: S3Storage, prefix: string): StorageDriver {
  if (prefix === '') return driver;
  return {
    name: driver.name,
    put: (key, body, options) => driver.put(prefix + key, body, options),
    remove: (key) => driver.remove(prefix + key),
    get: (key) => driver.get(prefix + key),
    async *list(under = '') {
      for await (const entry of driver.list(prefix + under)) yield { ...entry, key: entry.key.slice(prefix.length) };
    },
  };
}
