import { diskStorage, memoryStorage, type StorageDriver } from '@sluice/core';
import type { DemoConfig } from './config.js';
import { S3_MODULE, s3ClientConfig, s3ModuleExport } from './s3-module.js';

/** How the S3 driver module is loaded (replaceable in tests). */
export type ImportS3 = () => Promise<{ s3Storage?: (options: Record<string, unknown>) => StorageDriver }>;

const importS3Driver: ImportS3 = () => import(S3_MODULE);

/** The memory store's cap in the demos, so a forgotten demo cannot eat all RAM. */
export const DEMO_MEMORY_LIMIT = 512 * 1024 * 1024;

/**
 * Creates the storage driver the configuration asks for. The S3 driver is
 * imported only when `STORAGE=s3`, so the AWS SDK is never loaded otherwise.
 */
export async function createStorage(config: DemoConfig, importS3: ImportS3 = importS3Driver): Promise<StorageDriver> {
  const storage = config.storage;
  if (storage.kind === 'memory') return memoryStorage({ maxTotalBytes: DEMO_MEMORY_LIMIT });
  if (storage.kind === 'disk') return diskStorage({ root: storage.dir });
  // The SDK warns on Node 20 about its releases after early 2027; the repository pins the SDK.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const s3Storage = await s3ModuleExport(importS3, 's3Storage');
  const clientConfig = s3ClientConfig(storage);
  if (storage.createBucket) await ensureBucket(storage.bucket, clientConfig);
  return s3Storage({ bucket: storage.bucket, clientConfig });
}

/**
 * `S3_CREATE_BUCKET=true`: creates the bucket when it is missing, so the demo
 * runs against a fresh local S3 (radosgw, MinIO) by configuration alone.
 */
async function ensureBucket(bucket: string, clientConfig: Record<string, unknown>): Promise<void> {
  const { S3Client, HeadBucketCommand, CreateBucketCommand } = await import('@aws-sdk/client-s3');
  const client = new S3Client({ ...clientConfig, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } finally {
    client.destroy();
  }
}

/** One line for the start-up log: where files go. */
export function describeStorage(config: DemoConfig): string {
  const storage = config.storage;
  if (storage.kind === 'disk') return `disk (${storage.dir})`;
  if (storage.kind === 's3') return `s3 (bucket ${storage.bucket}${storage.endpoint ? ` at ${storage.endpoint}` : ''})`;
  return 'memory';
}
