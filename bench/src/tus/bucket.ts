import { AbortMultipartUploadCommand, DeleteObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { s3ClientConfig, type S3Env } from './s3-config.js';

export type { S3Env } from './s3-config.js';

/** An S3 client for the radosgw that start.sh started. */
export function s3Client(env: S3Env): S3Client {
  return new S3Client(s3ClientConfig(env));
}

/**
 * Deletes every object and aborts every pending multipart upload in `bucket`;
 * resolves with how many of each there were (what an upload left behind
 * besides its final object).
 */
export async function emptyBucket(client: S3Client, bucket: string): Promise<{ objects: number; uploads: number }> {
  let objects = 0;
  let uploads = 0;
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    for (const object of page.Contents ?? []) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: object.Key! }));
      objects += 1;
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  const pending = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  for (const upload of pending.Uploads ?? []) {
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.Key!, UploadId: upload.UploadId! }));
    uploads += 1;
  }
  return { objects, uploads };
}
