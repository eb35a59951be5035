/**
 * @sluice/core/tus: the tus 1.0.0 endpoint, the resumable store contract and
 * the memory and disk stores (the S3 store is in '@sluice/core/s3'). A subpath
 * of its own so that an app without resumable uploads never loads it.
 */
export { createTusHandler } from './create-tus-handler.js';
export type { TusEventListener, TusEventMap, TusHandler, TusOptions, TusRequestContext } from './types.js';
export type { AppendOptions, NewResumableUpload, ResumableCompletion, ResumableFile, ResumableInfo, ResumableListEntry, ResumableStore } from './store-types.js';
export { OffsetConflictError } from './store-types.js';
export { TusError } from './tus-error.js';
export { sweepExpiredUploads } from './sweep-expired.js';
export { TUS_VERSION, TUS_EXTENSIONS, TUS_CHECKSUM_ALGORITHMS, type TusChecksumAlgorithm } from './protocol.js';
export { memoryResumable, type MemoryResumable, type MemoryResumableOptions } from '../storage/memory-resumable.js';
export { diskResumable, type DiskResumable, type DiskResumableOptions } from '../storage/disk-resumable.js';
