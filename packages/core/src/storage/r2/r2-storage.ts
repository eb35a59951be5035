import { Readable } from 'node:stream';
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web';
import { silentLogger, type Logger } from '../../logging/logger.js';
import type { StorageDriver, StorageFileInfo, StoredObjectBody, StoredObjectInfo } from '../types.js';
import type { R2BucketLike, R2ObjectOptions } from './bucket.js';
import { r2Call } from './r2-error.js';
import { uploadToR2 } from './upload-r2.js';

/** R2's smallest multipart part: every part but the last must be at least this big (and all of them the same size). */
export const R2_MIN_PART_SIZE = 5 * 1024 * 1024;
/** R2's largest part. */
export const R2_MAX_PART_SIZE = 5 * 1024 * 1024 * 1024;

/** Options of {@link r2Storage}. */
export interface R2StorageOptions {
  /** The R2 bucket binding, e.g. `env.UPLOADS` in a Worker (`r2_buckets` in wrangler's configuration). */
  bucket: R2BucketLike;
  /**
   * Bytes per multipart part, at least 5 MiB. A file of at most this many bytes
   * goes up as one `put`; a longer one in parts of exactly this size. An upload
   * holds about two parts in memory (one filling, one being stored), so mind
   * the Worker's 128 MB when raising it. R2 takes at most 10,000 parts, so a
   * file may be at most 10,000 times this (about 48 GiB at the default).
   * Default 5 MiB.
   */
  partSize?: number;
  /**
   * Per-object options (`httpMetadata`, `customMetadata`, `storageClass`), or
   * a function of the file that returns them. `httpMetadata.contentType`
   * defaults to the file's effective (sniffed) type.
   */
  objectOptions?: R2ObjectOptions | ((file: StorageFileInfo, key: string) => R2ObjectOptions);
  /** Where a multipart upload that could not be aborted is reported. Default: silent. */
  logger?: Logger;
}

/** The R2 driver, with its bucket. */
export interface R2Storage extends StorageDriver {
  readonly name: 'r2';
  readonly bucket: R2BucketLike;
}

function objectOptionsFor(options: R2StorageOptions, file: StorageFileInfo, key: string): R2ObjectOptions {
  const given = typeof options.objectOptions === 'function' ? options.objectOptions(file, key) : (options.objectOptions ?? {});
  return { ...given, httpMetadata: { contentType: file.type, ...given.httpMetadata } };
}

/**
 * Stores files in Cloudflare R2 through a Workers R2 binding, streaming: a
 * file of unknown length goes up through the binding's multipart API, so no
 * file is ever held whole. A failed or cancelled upload is aborted, and
 * nothing stays under its key. Runs wherever the binding exists (Workers,
 * miniflare, or Node with miniflare's `getR2Bucket`).
 *
 * Failures of the binding reject with `STORAGE_FAILED` (502), the binding's
 * message kept in `cause`.
 *
 * @example
 * app.post('/upload', (c, next) => upload({ storage: r2Storage({ bucket: c.env.UPLOADS }) })(c, next));
 */
export function r2Storage(options: R2StorageOptions): R2Storage {
  const { bucket } = options;
  const partSize = options.partSize ?? R2_MIN_PART_SIZE;
  if (!Number.isSafeInteger(partSize) || partSize < R2_MIN_PART_SIZE || partSize > R2_MAX_PART_SIZE) {
    throw new RangeError(`r2Storage: partSize must be an integer from ${R2_MIN_PART_SIZE} to ${R2_MAX_PART_SIZE}`);
  }
  const logger = options.logger ?? silentLogger;
  return {
    name: 'r2',
    bucket,
    put: (key, body, putOptions) => uploadToR2({ bucket, partSize, logger, objectOptions: objectOptionsFor(options, putOptions.file, key) }, key, body, putOptions),
    remove: (key) => r2Call(() => bucket.delete(key)),
    async get(key): Promise<StoredObjectBody | undefined> {
      const object = await r2Call(() => bucket.get(key));
      if (!object) return undefined;
      return {
        body: Readable.fromWeb(object.body as NodeWebReadableStream<Uint8Array>),
        size: object.size,
        contentType: object.httpMetadata?.contentType,
        lastModified: object.uploaded,
      };
    },
    async *list(prefix = ''): AsyncIterable<StoredObjectInfo> {
      let cursor: string | undefined;
      do {
        const page = await r2Call(() => bucket.list({ prefix, cursor }));
        for (const object of page.objects) yield { key: object.key, size: object.size, lastModified: object.uploaded };
        cursor = page.truncated ? page.cursor : undefined;
      } while (cursor);
    },
  };
}
