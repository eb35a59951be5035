import { setTimeout as sleep } from 'node:timers/promises';
import { UploadError } from '../errors/index.js';
import type { AcquireOptions } from './types.js';

/** One attempt at a lease: a token when granted, `undefined` when a live holder has it. */
export type AcquireAttempt = () => Promise<number | undefined>;

/** Pause between attempts while waiting for a contended lease. */
const RETRY_PAUSE_MS = 50;

/**
 * Tries `attempt` once, then again every 50 ms until `options.waitMs` has
 * passed (default 0: one attempt), and answers `UPLOAD_LOCKED` (423) if the
 * lease never came free. Honors `options.signal` between attempts.
 */
export async function acquireWithin(id: string, attempt: AcquireAttempt, options: AcquireOptions = {}): Promise<number> {
  const giveUpAt = Date.now() + Math.max(0, options.waitMs ?? 0);
  for (;;) {
    options.signal?.throwIfAborted();
    const token = await attempt();
    if (token !== undefined) return token;
    const left = giveUpAt - Date.now();
    if (left <= 0) throw new UploadError('UPLOAD_LOCKED', { details: { uploadId: id } });
    try {
      await sleep(Math.min(RETRY_PAUSE_MS, left), undefined, { signal: options.signal });
    } catch (error) {
      // The caller's reason (e.g. "client gone"), not the timer's generic AbortError.
      throw options.signal?.aborted ? options.signal.reason : error;
    }
  }
}
