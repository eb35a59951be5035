import type { S3Client } from '@aws-sdk/client-s3';
import { s3Status } from './map-s3-error.js';

/** How long one AbortMultipartUpload attempt may take before it counts as failed. */
export const ABORT_ATTEMPT_MS = 10_000;

/** What one upload's S3 calls revealed, for cleaning up after a failure. */
export interface UploadTrace {
  /** The UploadId, as soon as CreateMultipartUpload answered. */
  uploadId: string | undefined;
  /**
   * True when a CreateMultipartUpload may have created an upload we never
   * heard of: a lost response (network error), or an SDK retry after one.
   */
  createUncertain: boolean;
  /** True once an AbortMultipartUpload of `uploadId` succeeded. */
  aborted: boolean;
  /** The first failed call: the root cause, before any abort error. */
  firstError: unknown;
}

/** Hooks of {@link trackingClient}. */
export interface TrackingHooks {
  /** Aborts the long calls (parts, PutObject) when the upload is cancelled. */
  signal: AbortSignal;
  /** Called when S3 has answered (or failed) a call that carried part data. */
  onPartSettled(): void;
}

type Send = (command: unknown, options?: { abortSignal?: AbortSignal }) => Promise<unknown>;

/**
 * A command's class name. Compared by name rather than `instanceof` so that a
 * second copy of @aws-sdk/client-s3 (lib-storage's peer resolving elsewhere)
 * is still recognised.
 */
function commandName(command: unknown): string {
  return (command as { constructor?: { name?: string } })?.constructor?.name ?? '';
}

/**
 * Wraps `client` for one lib-storage `Upload`, to learn what lib-storage does
 * not expose reliably: the UploadId the moment it exists (so an abort can
 * always find it), when each part's buffer is released (for the memory
 * budget), and the first real error. It also cancels in-flight parts on abort
 * (lib-storage would let them run to the end), and bounds each of
 * lib-storage's own abort attempts so a hung endpoint cannot hang `done()`.
 */
export function trackingClient(client: S3Client, trace: UploadTrace, hooks: TrackingHooks): S3Client {
  const send: Send = client.send.bind(client) as Send;
  const tracked: Send = async (command) => {
    const name = commandName(command);
    const carriesData = name === 'UploadPartCommand' || name === 'PutObjectCommand';
    const isAbort = name === 'AbortMultipartUploadCommand';
    const isCreate = name === 'CreateMultipartUploadCommand';
    // CreateMultipartUpload and CompleteMultipartUpload are never cancelled
    // midway: a cancelled create may still have created an upload we would then not know about.
    const abortSignal = carriesData ? hooks.signal : isAbort ? AbortSignal.timeout(ABORT_ATTEMPT_MS) : undefined;
    try {
      const output = (await send(command, abortSignal ? { abortSignal } : undefined)) as { UploadId?: string; $metadata?: { attempts?: number } };
      if (isCreate) {
        trace.uploadId = output.UploadId;
        if ((output.$metadata?.attempts ?? 1) > 1) trace.createUncertain = true;
      }
      if (isAbort) trace.aborted = true;
      return output;
    } catch (error) {
      if (isCreate && (s3Status(error) === undefined || ((error as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1) > 1)) {
        trace.createUncertain = true;
      }
      if (isAbort && (error as { name?: string }).name === 'NoSuchUpload') {
        trace.aborted = true;
        return {};
      }
      if (trace.firstError === undefined) trace.firstError = error;
      throw error;
    } finally {
      if (carriesData) hooks.onPartSettled();
    }
  };
  // A Proxy rather than a subclass or a copy: lib-storage also reads
  // client.config, and the client's own methods must keep their real `this`.
  return new Proxy(client, {
    get: (target, property) => (property === 'send' ? tracked : Reflect.get(target, property, target)),
  });
}
