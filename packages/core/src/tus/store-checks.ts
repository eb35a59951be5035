import { assertFence } from '../lock/fence.js';
import type { UploadLease } from '../lock/types.js';
import type { ResumableInfo } from './store-types.js';
import { OffsetConflictError } from './store-types.js';

/**
 * The checks every store runs before it writes for an append or a completion:
 * the writer still holds its lease and is not older than the last writer
 * recorded in the state, and the caller's offset is the stored one.
 */
export function checkWriter(info: ResumableInfo, lease: UploadLease | undefined, offset?: number): void {
  if (lease) assertFence(lease, info.fence);
  if (offset !== undefined && offset !== info.offset) throw new OffsetConflictError(info.offset, offset);
}

/** The fencing token to record after a write by `lease` (kept when there is none). */
export function nextFence(info: ResumableInfo, lease: UploadLease | undefined): number | undefined {
  return lease ? Math.max(lease.token, info.fence ?? 0) : info.fence;
}

/** A deep copy of state, so a caller can never mutate what a store holds. */
export function copyInfo(info: ResumableInfo): ResumableInfo {
  return structuredClone(info);
}
