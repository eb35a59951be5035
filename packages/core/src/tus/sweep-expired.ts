import type { UploadLocker } from '../lock/types.js';
import type { ResumableStore } from './store-types.js';

/**
 * Removes every upload of `store` that expired before `now`: incomplete ones
 * with their stored bytes (S3: the multipart upload is aborted, info and
 * partial objects deleted), completed ones only as state (their file stays).
 * With `locker`, an upload whose lease another request holds (a PATCH that
 * started before the expiry and still runs) is left for the next sweep, so
 * its writes cannot resurrect half-removed state. Usable without a handler,
 * e.g. from a cron job or `sluice sweep`.
 */
export async function sweepExpiredUploads(store: ResumableStore, now: Date = new Date(), locker?: UploadLocker): Promise<{ removed: number }> {
  let removed = 0;
  for await (const entry of store.list()) {
    if (entry.expiresAt > now.getTime()) continue;
    const lease = locker ? await locker.acquire(entry.id).catch(() => undefined) : undefined;
    if (locker && !lease) continue;
    try {
      await store.remove(entry.id);
      removed += 1;
    } finally {
      await lease?.release();
    }
  }
  return { removed };
}
