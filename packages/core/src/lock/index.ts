/** The lock contract for resumable uploads (one writer per upload id) and its in-process implementation. */
export type { AcquireOptions, LeaseTimings, UploadLease, UploadLocker } from './types.js';
export { DEFAULT_LEASE_TIMINGS, resolveLeaseTimings } from './timings.js';
export { assertFence } from './fence.js';
export { memoryLocker, type MemoryLockerOptions } from './memory-locker.js';
