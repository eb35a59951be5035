import type { Readable } from 'node:stream';
import { DeleteObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { PutOptions, PutResult } from '../types.js';
import { abortStrays, abortUntilGone, type MultipartTarget } from './abort-upload.js';
import type { ByteBudget } from './byte-budget.js';
import { mapS3Error } from './map-s3-error.js';
import type { ResolvedS3Options } from './options.js';
import { PartGate } from './part-gate.js';
import { trackingClient, type UploadTrace } from './tracking-client.js';

/**
 * Streams one object into S3 with lib-storage: one PutObject when the body
 * fits in one part, a multipart upload otherwise.
 *
 * On every failure (the body errors, the signal aborts, S3 fails) it settles
 * only once S3 holds nothing of the upload: lib-storage's `done()` is left to
 * finish on its own (never `upload.abort()`, which returns before
 * AbortMultipartUpload is even sent), then the upload is aborted by the
 * UploadId seen on the wire, with retries, unless lib-storage's own abort
 * already went through.
 */
export async function uploadObject(options: ResolvedS3Options, budget: ByteBudget, key: string, body: Readable, { signal, file }: PutOptions): Promise<PutResult> {
  signal.throwIfAborted();
  const { client, bucket, partSize, queueSize } = options;
  const target: MultipartTarget = { client, bucket, key };
  const started = new Date();
  const gate = new PartGate(budget, partSize, queueSize + 2);
  const trace: UploadTrace = { uploadId: undefined, createUncertain: false, aborted: false, firstError: undefined };
  let bodyError: unknown;

  const stop = (error: unknown): void => {
    if (!gate.destroyed) gate.destroy(error instanceof Error ? error : new Error(String(error)));
  };
  const onBodyError = (error: unknown): void => {
    bodyError ??= error;
    stop(error);
  };
  // A body destroyed without an error would otherwise leave lib-storage waiting for an end that never comes.
  const onBodyClose = (): void => {
    if (!body.readableEnded) onBodyError(new Error('the body closed before its end'));
  };
  const onAbort = (): void => stop(signal.reason ?? new Error('aborted'));
  body.on('error', onBodyError);
  body.on('close', onBodyClose);
  signal.addEventListener('abort', onAbort, { once: true });
  body.pipe(gate);
  // We only ever destroy the gate ourselves, and lib-storage's reader sees the error through its iterator;
  // this keeps a destroy that lands between two reads from becoming an uncaught 'error' event.
  gate.on('error', () => {});

  try {
    const upload = new Upload({
      client: trackingClient(client, trace, { signal, onPartSettled: () => gate.partSettled() }),
      params: { ...options.objectParams(file, key), Bucket: bucket, Key: key, Body: gate },
      partSize,
      queueSize,
      leavePartsOnError: false,
    });
    const output = await upload.done();
    // Nothing may stay under the key when the upload was cancelled while S3
    // was completing the object, or when a call failed and done() resolved
    // anyway: lib-storage 3.490 and older swallow a failed part (unless
    // leavePartsOnError) and complete the object without it.
    if (signal.aborted || trace.firstError !== undefined) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })).catch(() => {});
      throw signal.aborted ? signal.reason : trace.firstError;
    }
    if (trace.createUncertain) await cleanUpStrays(options, target, started, trace.uploadId);
    return { size: gate.bytes, location: output.Location, etag: output.ETag || (await headEtag(options, key)) };
  } catch (error) {
    await cleanUp(options, target, trace, started);
    if (signal.aborted) throw signal.reason;
    if (bodyError !== undefined) throw bodyError;
    throw mapS3Error(trace.firstError ?? error);
  } finally {
    signal.removeEventListener('abort', onAbort);
    body.off('error', onBodyError);
    body.off('close', onBodyClose);
    body.unpipe(gate);
    if (!gate.destroyed) gate.destroy();
    // done() has settled, so every part request has settled: S3 holds no buffer of ours.
    gate.releaseAll();
  }
}

async function cleanUp(options: ResolvedS3Options, target: MultipartTarget, trace: UploadTrace, started: Date): Promise<void> {
  if (trace.uploadId && !trace.aborted) {
    trace.aborted = await abortUntilGone(target, trace.uploadId, options.abortRetryMs);
    if (!trace.aborted) {
      options.logger.error('sluice: could not abort a failed multipart upload; sweep it or let a lifecycle rule remove it', {
        bucket: target.bucket,
        key: target.key,
        uploadId: trace.uploadId,
      });
    }
  }
  if (trace.createUncertain) await cleanUpStrays(options, target, started, undefined);
}

async function cleanUpStrays(options: ResolvedS3Options, target: MultipartTarget, started: Date, keep: string | undefined): Promise<void> {
  const failed = await abortStrays(target, started, options.abortRetryMs, keep);
  if (failed.length > 0) {
    options.logger.error('sluice: a multipart upload may be left pending after a lost CreateMultipartUpload response', {
      bucket: target.bucket,
      key: target.key,
      uploadIds: failed,
    });
  }
}

/** Some S3-compatible servers (radosgw) answer CompleteMultipartUpload without an ETag. */
async function headEtag({ client, bucket }: ResolvedS3Options, key: string): Promise<string | undefined> {
  try {
    return (await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ETag || undefined;
  } catch {
    return undefined;
  }
}
