import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { CreateBucketCommand, DeleteObjectCommand, AbortMultipartUploadCommand, ListMultipartUploadsCommand, paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import type { Env } from '@sluice/demo-common';
import { targetClientConfig, type S3Target } from '@sluice/s3-rig';

/** Every file under `dir` (hidden `.partial` files included), relative, minus `keep`. */
export async function diskLeftovers(dir: string, keep: ReadonlySet<string> = new Set()): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  return entries
    .filter((entry) => !entry.isDirectory())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .filter((key) => !keep.has(key))
    .sort();
}

/** How a test reaches an S3 server (the shape `inject('s3')` and `startLocalCluster` give). */
export type { S3Target } from '@sluice/s3-rig';

/** A client for `target`, with the rig's settings for radosgw. */
export function s3Client(target: S3Target): S3Client {
  return new S3Client(targetClientConfig(target));
}

/** The demo environment for STORAGE=s3 against `target` and `bucket`. */
export function s3Env(target: S3Target, bucket: string): Env {
  return {
    STORAGE: 's3',
    S3_BUCKET: bucket,
    S3_ENDPOINT: target.endpoint,
    S3_REGION: target.region,
    S3_FORCE_PATH_STYLE: String(target.forcePathStyle),
    AWS_ACCESS_KEY_ID: target.accessKeyId,
    AWS_SECRET_ACCESS_KEY: target.secretAccessKey,
  };
}

/** Creates a fresh bucket with a unique name. */
export async function createBucket(client: S3Client, label: string): Promise<string> {
  const bucket = `sluice-fl-${label}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`.slice(0, 63);
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

/** Every object key and every pending multipart upload (`upload:<key>`) in a bucket, minus `keep`. */
export async function s3Leftovers(client: S3Client, bucket: string, keep: ReadonlySet<string> = new Set()): Promise<string[]> {
  const left: string[] = [];
  for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket })) {
    for (const object of page.Contents ?? []) if (object.Key && !keep.has(object.Key)) left.push(object.Key);
  }
  left.push(...(await pendingUploads(client, bucket)).map((upload) => `upload:${upload.key}`));
  return left.sort();
}

/** The pending multipart uploads of a bucket (ListMultipartUploads, all pages). */
export async function pendingUploads(client: S3Client, bucket: string): Promise<Array<{ key: string; uploadId: string }>> {
  const uploads: Array<{ key: string; uploadId: string }> = [];
  let KeyMarker: string | undefined;
  let UploadIdMarker: string | undefined;
  for (;;) {
    const page = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, KeyMarker, UploadIdMarker }));
    for (const upload of page.Uploads ?? []) uploads.push({ key: upload.Key!, uploadId: upload.UploadId! });
    if (!page.IsTruncated || (page.NextKeyMarker === undefined && page.NextUploadIdMarker === undefined)) return uploads;
    KeyMarker = page.NextKeyMarker;
    UploadIdMarker = page.NextUploadIdMarker;
  }
}

/** Deletes everything in a bucket (test teardown, never part of a check). */
export async function emptyBucket(client: S3Client, bucket: string): Promise<void> {
  for (const upload of await pendingUploads(client, bucket)) {
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.key, UploadId: upload.uploadId }));
  }
  for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket })) {
    for (const object of page.Contents ?? []) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: object.Key! }));
  }
}

/** Polls `look` until it returns an empty list or `ms` pass; resolves with the last list (and whether a poll was needed). */
export async function settleEmpty(look: () => Promise<string[]>, ms: number): Promise<{ left: string[]; polls: number }> {
  const until = Date.now() + ms;
  let left = await look();
  let polls = 0;
  while (left.length > 0 && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    polls += 1;
    left = await look();
  }
  return { left, polls };
}

/** Records the name of every command an S3 client sends, so a test can prove the case it built happened. */
export { recordCommands } from '@sluice/s3-rig';

/** The S3 client of a driver built by the demo (`s3Storage` exposes it), or undefined for other drivers. */
export function clientOf(storage: unknown): S3Client | undefined {
  const client = (storage as { client?: Partial<S3Client> }).client;
  return typeof client?.send === 'function' && client.middlewareStack ? (client as S3Client) : undefined;
}
