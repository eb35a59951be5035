import type { S3Client } from '@aws-sdk/client-s3';
import { sweepExpiredUploads } from '../../tus/sweep-expired.js';
import { s3Resumable } from './resumable-store.js';

/** Options of {@link sweepExpiredS3Uploads}. */
export interface ResumableSweepOptions {
  client: S3Client;
  bucket: string;
  /** Where the resumable state lives (the store's `statePrefix`). Default `.tus/`. */
  statePrefix?: string;
  /** The clock. Default now. */
  now?: Date;
}

/**
 * Removes the expired resumable uploads of a bucket without a running
 * handler (what `sluice sweep` or a cron job calls): for each info object
 * whose expiry passed, the multipart upload is aborted and the info and
 * partial objects deleted; a completed upload loses only its state. Run it
 * where no PATCH can still be writing (or pass through a handler's
 * `sweepExpired`, which takes each upload's lease first).
 */
export function sweepExpiredS3Uploads(options: ResumableSweepOptions): Promise<{ removed: number }> {
  const store = s3Resumable({ bucket: options.bucket, client: options.client, statePrefix: options.statePrefix });
  return sweepExpiredUploads(store, options.now);
}
