/**
 * @sluice/core: stream multipart/form-data uploads straight into storage.
 * Framework adapters (@sluice/express, @sluice/koa, @sluice/hono) wrap
 * {@link createUploadHandler}; everything else here is for configuring it.
 */
export { createUploadHandler, type UploadHandler } from './handler/create-upload-handler.js';
export type { UploadInput } from './handler/upload-session.js';
export type { HeaderSource } from './handler/request-headers.js';
export type { BodySource } from './body/to-node-readable.js';
export { resolveOptions, type UploadOptions, type ResolvedUploadOptions, type RawUploadOptions } from './options/upload-options.js';
export { DEFAULT_LIMITS, type UploadLimits } from './options/limits.js';
export { PARSER_ENGINES, DEFAULT_PARSER_ENGINE, type ParserEngine } from './parser/engines.js';
export { ERROR_TABLE, statusForCode, UploadError, isUploadError, toUploadError, type UploadErrorCode, type UploadErrorOptions } from './errors/index.js';
export type { AnyUploadEvent, UploadEventListener, UploadEventMap, UploadEventName } from './events/types.js';
export type { Checksums, IncompleteFile, StoredFile, UploadResult, UploadStats } from './result/types.js';
export { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm } from './pipeline/checksums.js';
export { keys, datedKey, randomKey, sessionKey, randomId, type KeyContext, type KeyFunction } from './naming/key-strategies.js';
export { sanitizeFilename } from './naming/sanitize-filename.js';
export { isSafeKey } from './naming/safe-key.js';
export { detectType, isTypeAllowed, type TypeVerdict } from './mime/detect-type.js';
export { ACTIVE_TYPES } from './mime/sniff-markup.js';
export { memoryStorage, type MemoryStorage, type MemoryStorageOptions } from './storage/memory-storage.js';
export { diskStorage, type DiskStorage, type DiskStorageOptions } from './storage/disk-storage.js';
export type { PutOptions, PutResult, StorageDriver, StorageFileInfo, StoredObjectBody, StoredObjectInfo } from './storage/types.js';
export { storeBody, type BodyInput, type FileSource, type StoreBodyOptions } from './put/store-body.js';
export { createConsoleLogger, silentLogger, type Logger, type LogLevel } from './logging/logger.js';
export { installShutdownHandler, type ShutdownHandle, type ShutdownOptions, type ShutdownProcess, type Shutdownable } from './shutdown/install-shutdown-handler.js';
export { memoryLocker, assertFence, DEFAULT_LEASE_TIMINGS, resolveLeaseTimings, type MemoryLockerOptions, type AcquireOptions, type LeaseTimings, type UploadLease, type UploadLocker } from './lock/index.js';
export { createLoadGovernor, retryAfterHeaders, formatPrometheus, PROMETHEUS_CONTENT_TYPE, type BudgetReading, type LoadGauges, type LoadGovernor, type LoadGovernorOptions, type LoadTicket, type PrometheusOptions } from './load/index.js';
