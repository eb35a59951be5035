import { setTimeout as sleep } from 'node:timers/promises';
import { AbortMultipartUploadCommand, type S3Client } from '@aws-sdk/client-s3';
import { s3ErrorName } from './map-s3-error.js';
import { listPendingUploads } from './pending-uploads.js';
import { ABORT_ATTEMPT_MS } from './tracking-client.js';

/** Where an upload to abort lives. */
export interface MultipartTarget {
  client: S3Client;
  bucket: string;
  key: string;
}

/**
 * Sends AbortMultipartUpload until S3 confirms it (NoSuchUpload counts: the
 * upload is gone either way) or `retryMs` have passed, backing off from 200 ms
 * to 2 s. Retrying matters: the failure that got us here is often S3 being
 * unreachable for a moment, and an upload left pending is billed storage
 * nobody can see. Resolves `false` (never rejects) when it gave up.
 */
export async function abortUntilGone({ client, bucket, key }: MultipartTarget, uploadId: string, retryMs: number): Promise<boolean> {
  const giveUpAt = Date.now() + retryMs;
  for (let delay = 200; ; delay = Math.min(delay * 2, 2000)) {
    try {
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }), { abortSignal: AbortSignal.timeout(ABORT_ATTEMPT_MS) });
      return true;
    } catch (error) {
      if (s3ErrorName(error) === 'NoSuchUpload') return true;
      if (Date.now() + delay > giveUpAt) return false;
    }
    await sleep(delay);
  }
}

/**
 * Aborts every pending upload of exactly `key` that started at or after
 * `since`, except `keep`. Used only when a CreateMultipartUpload may have
 * created an upload whose UploadId we never received (lost response, SDK
 * retry). Clocks differ between us and S3, hence the 5 s of slack on `since`.
 * Resolves with the UploadIds it could not abort.
 */
export async function abortStrays(target: MultipartTarget, since: Date, retryMs: number, keep?: string): Promise<string[]> {
  const notBefore = since.getTime() - 5000;
  const failed: string[] = [];
  const giveUpAt = Date.now() + retryMs;
  for (let delay = 200; ; delay = Math.min(delay * 2, 2000)) {
    try {
      const strays: string[] = [];
      for await (const upload of listPendingUploads(target.client, target.bucket, target.key, AbortSignal.timeout(ABORT_ATTEMPT_MS))) {
        if (upload.Key !== target.key || !upload.UploadId || upload.UploadId === keep) continue;
        if (upload.Initiated && upload.Initiated.getTime() < notBefore) continue;
        strays.push(upload.UploadId);
      }
      for (const uploadId of strays) {
        if (!(await abortUntilGone(target, uploadId, Math.max(0, giveUpAt - Date.now())))) failed.push(uploadId);
      }
      return failed;
    } catch {
      // Listing failed (S3 unreachable): retry like an abort would.
      if (Date.now() + delay > giveUpAt) return ['(unlisted)'];
    }
    await sleep(delay);
  }
}
