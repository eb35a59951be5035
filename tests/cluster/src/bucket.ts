import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, ListMultipartUploadsCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { connection, testClient } from '@sluice/s3-rig';

/** A fresh bucket on the suite's S3 server, and the demo environment that uses it. */
export interface SharedBucket {
  client: S3Client;
  bucket: string;
  env: Record<string, string>;
  /** Pending multipart uploads (`upload:<key>`) and partial (tail) objects of resumable uploads. */
  pending(): Promise<string[]>;
  /** Every object key. */
  keys(): Promise<string[]>;
}

/** Creates a bucket for one cluster (two instances share it). */
export async function sharedBucket(label: string): Promise<SharedBucket> {
  const s3 = connection();
  const client = testClient();
  const bucket = s3.bucket ?? `sluice-cl-${label}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`.slice(0, 63);
  if (!s3.bucket) await client.send(new CreateBucketCommand({ Bucket: bucket }));
  const keys = async (): Promise<string[]> => {
    const found: string[] = [];
    for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket })) for (const object of page.Contents ?? []) if (object.Key) found.push(object.Key);
    return found;
  };
  return {
    client,
    bucket,
    env: {
      STORAGE: 's3',
      S3_BUCKET: bucket,
      S3_ENDPOINT: s3.endpoint,
      S3_REGION: s3.region,
      S3_FORCE_PATH_STYLE: String(s3.forcePathStyle),
      AWS_ACCESS_KEY_ID: s3.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    },
    keys,
    async pending() {
      const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
      const open = (uploads.Uploads ?? []).map((upload) => `upload:${upload.Key}`);
      return [...open, ...(await keys()).filter((key) => key.includes('.partial.'))];
    },
  };
}
