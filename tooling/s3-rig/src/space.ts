import { randomBytes } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  ListMultipartUploadsCommand,
  type MultipartUpload,
  paginateListObjectsV2,
  type S3Client,
} from '@aws-sdk/client-s3';
import { connection, testClient } from './connection.js';

/** Where one test works: its own bucket, or a unique prefix in S3_BUCKET. */
export interface TestSpace {
  client: S3Client;
  bucket: string;
  /** '' in an own bucket; `t-<random>/` in a shared one. Every key a test writes starts with it. */
  prefix: string;
  /** Every object key and every pending multipart upload (as `upload:<key>`) under the prefix. */
  leftovers(): Promise<string[]>;
  /**
   * Rejects with what is left unless {@link leftovers} is empty. By default it
   * looks once, right away: the driver promises that a failed put settles only
   * after S3 confirmed the abort, and radosgw lists a confirmed abort at once
   * (measured: no lag). The 100-350 ms lag seen with lib-storage's own
   * `upload.abort()` is lib-storage sending the abort late. Pass `ms` to poll.
   */
  expectEmpty(ms?: number): Promise<void>;
  /** Deletes everything the test made, including the bucket if it made one. */
  cleanup(): Promise<void>;
}

/** A name for a fresh bucket: S3 names are global, lower case, <= 63 chars. */
export function uniqueName(label: string): string {
  return `sluice-${label}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`.slice(0, 63);
}

/**
 * Pending multipart uploads under `prefix`, listed by the rig itself rather
 * than by the driver under test, so a bug in the driver's listing cannot hide
 * its own leftovers.
 */
async function* listPendingUploads(client: S3Client, bucket: string, prefix: string): AsyncGenerator<MultipartUpload> {
  let KeyMarker: string | undefined;
  let UploadIdMarker: string | undefined;
  do {
    const page = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker, UploadIdMarker }));
    yield* page.Uploads ?? [];
    if (!page.IsTruncated) return;
    KeyMarker = page.NextKeyMarker;
    UploadIdMarker = page.NextUploadIdMarker;
  } while (KeyMarker !== undefined || UploadIdMarker !== undefined);
}

async function objectKeys(client: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: prefix })) {
    for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
  }
  return keys;
}

/**
 * Creates a space for one test (or one describe), on the suite's server, or
 * (with `client`) in a new bucket on another server.
 */
export async function createSpace(label: string, otherServer?: S3Client): Promise<TestSpace> {
  const client = otherServer ?? testClient();
  const shared = otherServer ? undefined : connection().bucket;
  const bucket = shared ?? uniqueName(label);
  const prefix = shared ? `${uniqueName(label)}/` : '';
  if (!shared) await client.send(new CreateBucketCommand({ Bucket: bucket }));

  const leftovers = async (): Promise<string[]> => {
    const uploads: string[] = [];
    for await (const upload of listPendingUploads(client, bucket, prefix)) uploads.push(`upload:${upload.Key}`);
    return [...(await objectKeys(client, bucket, prefix)), ...uploads];
  };
  return {
    client,
    bucket,
    prefix,
    leftovers,
    async expectEmpty(ms = 0) {
      const until = Date.now() + ms;
      let left = await leftovers();
      while (left.length > 0 && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        left = await leftovers();
      }
      if (left.length > 0) throw new Error(`left behind in ${bucket}: ${left.join(', ')}`);
    },
    async cleanup() {
      for await (const upload of listPendingUploads(client, bucket, prefix)) {
        await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.Key, UploadId: upload.UploadId }));
      }
      for (const key of await objectKeys(client, bucket, prefix)) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      if (!shared) await client.send(new DeleteBucketCommand({ Bucket: bucket }));
      client.destroy();
    },
  };
}
