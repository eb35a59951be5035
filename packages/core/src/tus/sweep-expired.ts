import type { ResumableStore } from './store-types.js';

/**
 * Removes every upload of `store` that expired before `now`: incomplete ones
 * with their stored bytes (S3: the multipart upload is aborted, info and
 * partial objects deleted), completed ones only as state (their file stays).
 * Usable without a handler, e.g. from a cron job or `sluice sweep`.
 */
export async function sweepExpiredUploads(store: ResumableStore, now: Date = new Date()): Promise<{ removed: number }> {
  let removed = 0;
  for await (const entry of store.list()) {
    if (entry.expiresAt > now.getTime()) continue;
    await store.remove(entry.id);
    removed += 1;
  }
  return { removed };
}
