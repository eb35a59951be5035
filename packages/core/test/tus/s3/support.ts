import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { clientConfig, createSpace, type TestSpace } from '@sluice/s3-rig';
import { s3Resumable, type S3Resumable } from '../../../src/storage/s3/resumable-store.js';
import type { S3ResumableOptions } from '../../../src/storage/s3/resumable-objects.js';

export const MiB = 1024 * 1024;

/** An S3 resumable store inside a test space (its state under `<prefix>.tus/`). */
export function spaceStore(space: TestSpace, options: Partial<S3ResumableOptions> = {}): S3Resumable {
  return s3Resumable({ bucket: space.bucket, clientConfig: clientConfig(), statePrefix: `${space.prefix}.tus/`, partSize: 5 * MiB, ...options });
}

/** An object's bytes, or undefined when there is none. */
export async function readObject(client: S3Client, bucket: string, key: string): Promise<Buffer | undefined> {
  try {
    const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await out.Body!.transformToByteArray());
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
    throw error;
  }
}

export { createSpace };
