import { AbortMultipartUploadCommand, type S3Client } from '@aws-sdk/client-s3';
import { s3ErrorName } from './map-s3-error.js';
import { listPendingUploads } from './pending-uploads.js';

/** One pending multipart upload the sweeper looked at. */
export interface PendingUpload {
  key: string;
  uploadId: string;
  initiated: Date | undefined;
}

/** What the sweeper did with one pending upload. */
export type SweepAction = 'aborted' | 'would-abort' | 'too-young' | 'gone' | 'error';

/** One step of a sweep, as reported to `onProgress`. */
export interface SweepProgress {
  upload: PendingUpload;
  action: SweepAction;
  /** Set when `action` is `error`. */
  error?: unknown;
}

/** Options of {@link sweepMultipartUploads}. */
export interface SweepOptions {
  client: S3Client;
  bucket: string;
  /** Only uploads started longer ago than this are aborted. 0 aborts every pending upload. */
  olderThanMs: number;
  /** Only uploads whose key starts with this. */
  prefix?: string;
  /** Report what would be aborted, abort nothing. */
  dryRun?: boolean;
  /** Called once per pending upload, in listing order. */
  onProgress?: (progress: SweepProgress) => void;
  /** The clock, for tests. Default `Date.now`. */
  now?: () => number;
}

/** The totals of one sweep. */
export interface SweepSummary {
  /** Pending uploads listed (under the prefix). */
  found: number;
  /** Uploads old enough to abort (in a dry run: the ones that would be aborted). */
  eligible: number;
  /** Uploads actually aborted (0 in a dry run). */
  aborted: number;
  /** Uploads left alone: too young, a dry run, or already gone when we got to them. */
  skipped: number;
  /** Aborts that failed; see `failures`. */
  errors: number;
  /** Each failed abort, with the S3 error name (never its message, which may hold secrets). */
  failures: Array<PendingUpload & { error: string }>;
  dryRun: boolean;
}

/**
 * Aborts multipart uploads that were started and never finished: what a
 * process killed mid-upload (SIGKILL, OOM, power loss) leaves behind. S3
 * bills their parts but never shows them as objects. Pick `olderThanMs`
 * well above your longest upload (e.g. 24 h) so uploads in progress are not
 * cut off. A bucket lifecycle rule (`lifecycleRule`) does the same on S3's
 * side; this is for servers without one or for an immediate clean-up.
 */
export async function sweepMultipartUploads(options: SweepOptions): Promise<SweepSummary> {
  const { client, bucket, olderThanMs, prefix, dryRun = false, onProgress } = options;
  if (!(olderThanMs >= 0)) throw new TypeError('sweepMultipartUploads: olderThanMs must be >= 0');
  const cutoff = (options.now ?? Date.now)() - olderThanMs;
  const summary: SweepSummary = { found: 0, eligible: 0, aborted: 0, skipped: 0, errors: 0, failures: [], dryRun };
  // Listing goes on by key/UploadId markers, so aborting what was already listed does not skip anything.
  for await (const entry of listPendingUploads(client, bucket, prefix)) {
    if (!entry.Key || !entry.UploadId) continue;
    const upload: PendingUpload = { key: entry.Key, uploadId: entry.UploadId, initiated: entry.Initiated };
    summary.found += 1;
    // An upload without a start time cannot be proven old: leave it.
    const old = upload.initiated !== undefined && (olderThanMs === 0 || upload.initiated.getTime() <= cutoff);
    if (old) summary.eligible += 1;
    const progress: SweepProgress = !old ? { upload, action: 'too-young' } : dryRun ? { upload, action: 'would-abort' } : await abortOne(client, bucket, upload);
    if (progress.action === 'aborted') summary.aborted += 1;
    else if (progress.action === 'error') {
      summary.errors += 1;
      summary.failures.push({ ...upload, error: s3ErrorName(progress.error) ?? 'Error' });
    } else summary.skipped += 1;
    onProgress?.(progress);
  }
  return summary;
}

async function abortOne(client: S3Client, bucket: string, upload: PendingUpload): Promise<SweepProgress> {
  try {
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.key, UploadId: upload.uploadId }));
    return { upload, action: 'aborted' };
  } catch (error) {
    // Someone else (the uploader, another sweeper) finished or aborted it meanwhile.
    if (s3ErrorName(error) === 'NoSuchUpload') return { upload, action: 'gone' };
    return { upload, action: 'error', error };
  }
}
