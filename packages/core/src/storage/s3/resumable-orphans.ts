import { AbortMultipartUploadCommand } from '@aws-sdk/client-s3';
import { s3ErrorName } from './map-s3-error.js';
import { listPendingUploads } from './pending-uploads.js';
import type { S3ResumableContext } from './resumable-objects.js';

/**
 * Aborts multipart uploads under exactly `key` other than `keep`: the ones a
 * process created and died before recording in the info object (the one
 * window where a crash can orphan an upload). Keys of resumable uploads are
 * unique per upload with the built-in key strategies, so nothing else of the
 * application's lives under `key`; a custom key function that reuses keys
 * should not be combined with resumable uploads.
 */
export async function abortOrphans(ctx: S3ResumableContext, key: string, keep: string | undefined): Promise<number> {
  let aborted = 0;
  for await (const upload of listPendingUploads(ctx.client, ctx.bucket, key)) {
    if (upload.Key !== key || !upload.UploadId || upload.UploadId === keep) continue;
    try {
      await ctx.client.send(new AbortMultipartUploadCommand({ Bucket: ctx.bucket, Key: key, UploadId: upload.UploadId }));
      aborted += 1;
    } catch (error) {
      if (s3ErrorName(error) !== 'NoSuchUpload') throw error;
    }
  }
  return aborted;
}
