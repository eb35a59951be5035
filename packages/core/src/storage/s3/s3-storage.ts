import type { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import type { PutOptions, PutResult, StorageDriver, StoredObjectBody, StoredObjectInfo } from '../types.js';
import { ByteBudget, type ByteBudgetStats } from './byte-budget.js';
import { mapS3Error, s3ErrorName } from './map-s3-error.js';
import { resolveS3Options, type S3StorageOptions } from './options.js';
import { uploadObject } from './upload-object.js';

/** The S3 driver, with the client it uses and its memory numbers. */
export interface S3Storage extends StorageDriver {
  readonly name: 's3';
  readonly client: S3Client;
  readonly bucket: string;
  /** The shared part-buffer budget: limit, reserved now, peak, queued uploads. */
  readonly memory: ByteBudgetStats;
  get(key: string): Promise<StoredObjectBody | undefined>;
  list(prefix?: string): AsyncIterable<StoredObjectInfo>;
}

/**
 * Stores files in an S3 bucket (AWS S3 or a compatible server such as Ceph
 * radosgw or MinIO) through `@aws-sdk/lib-storage`: each file streams from the
 * request into S3 in parts of `partSize`, never to disk, and at most
 * `memoryBudget` bytes of part buffers exist across all uploads at once.
 *
 * A failed upload (limit hit, client gone, timeout, S3 error, shutdown) is
 * aborted on S3 before `put` rejects, so no pending multipart upload is left
 * behind; errors become typed `UploadError`s (STORAGE_DENIED, STORAGE_NOT_FOUND,
 * STORAGE_UNAVAILABLE, STORAGE_FAILED) with the SDK's message kept in `cause`.
 *
 * @example
 * const storage = s3Storage({ bucket: 'uploads', clientConfig: { region: 'eu-west-1' } });
 * const upload = createUploadHandler({ storage });
 */
export function s3Storage(options: S3StorageOptions): S3Storage {
  const resolved = resolveS3Options(options);
  const { client, bucket } = resolved;
  const budget = new ByteBudget(resolved.memoryBudget);
  return {
    name: 's3',
    client,
    bucket,
    get memory() {
      return budget.stats;
    },
    put(key: string, body: Readable, putOptions: PutOptions): Promise<PutResult> {
      return uploadObject(resolved, budget, key, body, putOptions);
    },
    async remove(key: string): Promise<void> {
      // S3 answers 204 for a key that does not exist, which is what the contract wants.
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })).catch((error: unknown) => {
        throw mapS3Error(error);
      });
    },
    async get(key: string): Promise<StoredObjectBody | undefined> {
      try {
        const output = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return { body: output.Body as Readable, size: output.ContentLength ?? 0, contentType: output.ContentType, lastModified: output.LastModified };
      } catch (error) {
        if (s3ErrorName(error) === 'NoSuchKey' || s3ErrorName(error) === 'NotFound') return undefined;
        throw mapS3Error(error);
      }
    },
    async *list(prefix = ''): AsyncIterable<StoredObjectInfo> {
      try {
        for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: prefix })) {
          for (const object of page.Contents ?? []) {
            if (object.Key) yield { key: object.Key, size: object.Size ?? 0, lastModified: object.LastModified ?? new Date(0) };
          }
        }
      } catch (error) {
        throw mapS3Error(error);
      }
    },
  };
}
