import { S3Client, type PutObjectCommandInput, type S3ClientConfig } from '@aws-sdk/client-s3';
import { silentLogger, type Logger } from '../../logging/logger.js';
import type { StorageFileInfo } from '../types.js';
import { BASE_PARTS } from './part-gate.js';

/** S3's smallest part (every part but the last must be at least this big). */
export const MIN_PART_SIZE = 5 * 1024 * 1024;
const DEFAULT_BUDGET = 256 * 1024 * 1024;

/** The per-object S3 parameters a driver may set, named as in the S3 API. */
export type S3ObjectParams = Partial<
  Pick<
    PutObjectCommandInput,
    | 'ACL'
    | 'CacheControl'
    | 'ChecksumAlgorithm'
    | 'ContentDisposition'
    | 'ContentEncoding'
    | 'ContentLanguage'
    | 'ContentType'
    | 'Expires'
    | 'Metadata'
    | 'SSEKMSKeyId'
    | 'ServerSideEncryption'
    | 'StorageClass'
    | 'Tagging'
  >
>;

/** Options of `s3Storage`. */
export interface S3StorageOptions {
  /** The bucket every key lives in. It must exist. */
  bucket: string;
  /** An S3 client to use as-is. Takes precedence over `clientConfig`. */
  client?: S3Client;
  /**
   * Settings for a client built by the driver (region, endpoint, credentials,
   * forcePathStyle, ...). The driver defaults `requestChecksumCalculation` and
   * `responseChecksumValidation` to `WHEN_REQUIRED`: S3-compatible servers such
   * as Ceph radosgw refuse streamed bodies with the SDK's newer default.
   */
  clientConfig?: S3ClientConfig;
  /** Bytes per multipart part, at least 5 MiB. Default 5 MiB. A file no bigger than one part goes up as one PutObject. */
  partSize?: number;
  /** Parts of one file uploaded at the same time. Default 4. */
  queueSize?: number;
  /**
   * Bytes of part buffers all uploads of this driver may hold together.
   * When it is used up, uploads wait (their sockets pause) instead of failing.
   * Each active upload reserves at least 3 parts (one filling, lib-storage's
   * copy of it, one with S3) and at most queueSize + 2. Default the larger of
   * 256 MiB and 12 parts; `Infinity` turns it off.
   */
  memoryBudget?: number;
  /**
   * Per-object parameters, or a function of the file that returns them (e.g. a
   * `ContentDisposition` from the file name). `ContentType` defaults to the
   * file's effective (sniffed) type.
   */
  params?: S3ObjectParams | ((file: StorageFileInfo, key: string) => S3ObjectParams);
  /** Object tags, sent with the upload itself (the `x-amz-tagging` header). */
  tags?: Record<string, string>;
  /**
   * How long a failed upload keeps retrying AbortMultipartUpload (e.g. while
   * S3 is briefly unreachable) before giving up and logging the upload for the
   * sweeper. Default 30 000 ms.
   */
  abortRetryMs?: number;
  /** Where the driver reports uploads it could not abort. Default silent. */
  logger?: Logger;
}

/** Options with defaults filled in and the client built. */
export interface ResolvedS3Options {
  client: S3Client;
  bucket: string;
  partSize: number;
  queueSize: number;
  memoryBudget: number;
  objectParams(file: StorageFileInfo, key: string): S3ObjectParams;
  abortRetryMs: number;
  logger: Logger;
}

function wholeNumber(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min) throw new TypeError(`s3Storage: ${name} must be a whole number >= ${min}`);
  return value;
}

/** Encodes tags the way the `Tagging` parameter wants them (a URL query string). */
export function toTagging(tags: Record<string, string>): string {
  return new URLSearchParams(Object.entries(tags)).toString();
}

/** Validates options once, when the driver is created, so mistakes fail at start-up. */
export function resolveS3Options(options: S3StorageOptions): ResolvedS3Options {
  if (!options || typeof options.bucket !== 'string' || options.bucket === '') throw new TypeError('s3Storage: bucket is required');
  const partSize = wholeNumber('partSize', options.partSize, MIN_PART_SIZE, MIN_PART_SIZE);
  const queueSize = wholeNumber('queueSize', options.queueSize, 4, 1);
  const memoryBudget = options.memoryBudget ?? Math.max(DEFAULT_BUDGET, 4 * BASE_PARTS * partSize);
  if (memoryBudget !== Infinity && !(Number.isFinite(memoryBudget) && memoryBudget >= BASE_PARTS * partSize)) {
    throw new TypeError(`s3Storage: memoryBudget must be at least ${BASE_PARTS} parts (${BASE_PARTS * partSize} bytes), or Infinity`);
  }
  const abortRetryMs = wholeNumber('abortRetryMs', options.abortRetryMs, 30_000, 0);
  const tagging = options.tags ? { Tagging: toTagging(options.tags) } : {};
  const { params } = options;
  const client = options.client ?? new S3Client({ requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED', ...options.clientConfig });
  return {
    client,
    bucket: options.bucket,
    partSize,
    queueSize,
    memoryBudget,
    abortRetryMs,
    logger: options.logger ?? silentLogger,
    objectParams: (file, key) => ({
      ContentType: file.type || 'application/octet-stream',
      ...tagging,
      ...(typeof params === 'function' ? params(file, key) : params),
    }),
  };
}
