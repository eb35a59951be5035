/**
 * @sluice/core: stream multipart/form-data uploads straight into storage.
 * Framework adapters (@sluice/express, @sluice/koa, @sluice/hono) wrap
 * {@link createUploadHandler}; everything else here is for configuring it.
 */
export { createUploadHandler, type UploadHandler } from './session/create-upload-handler.js';
export { toUploadHandler } from './session/to-upload-handler.js';
export { uploadErrorResponse, type UploadErrorResponse } from './errors/error-response.js';
export type { UploadInput } from './session/upload-session.js';
export type { HeaderSource } from './request/headers.js';
export type { BodySource } from './request/body-source.js';
export { resolveOptions, type UploadOptions, type ResolvedUploadOptions, type RawUploadOptions } from './session/upload-options.js';
export { DEFAULT_LIMITS, type UploadLimits } from './limits/limits.js';
export { PARSER_ENGINES, DEFAULT_PARSER_ENGINE, type ParserEngine } from './parser/engines.js';
export { ERROR_TABLE, statusForCode, UploadError, isUploadError, toUploadError, type UploadErrorCode, type UploadErrorOptions } from './errors/index.js';
export type { AnyUploadEvent, UploadEventListener, UploadEventMap, UploadEventName } from './events/types.js';
export type { Checksums, IncompleteFile, StoredFile, UploadResult, UploadStats } from './result/types.js';
export { keys, datedKey, randomKey, sessionKey, randomId, type KeyContext, type KeyFunction } from './naming/key-strategies.js';
export { sanitizeFilename } from './naming/sanitize-filename.js';
export { isSafeKey } from './naming/safe-key.js';
// The per-file pipeline and its pieces, for any protocol that delivers a file (multipart, raw, resumable).
export { storeFile, type FileBytes, type StoreFileOptions } from './file/store-file.js';
export { FileUpload, type FileDeclaration, type FileOwner, type FilePolicy, type FileUploadHooks } from './file/file-upload.js';
export { FileTap, type FileTapOptions } from './file/file-tap.js';
export { judgeType, isTypeAllowed, type TypeRules } from './file/judge-type.js';
export { detectType, SNIFF_BYTES, type TypeVerdict } from './file/detect-type.js';
export { ACTIVE_TYPES } from './file/sniff-markup.js';
export { planKey } from './file/plan-key.js';
export { CHECKSUM_ALGORITHMS, ChecksumSet, createDigests, loadChecksums, type ChecksumAlgorithm, type ChecksumHex } from './file/checksums.js';
export { memoryStorage, type MemoryStorage, type MemoryStorageOptions } from './storage/memory-storage.js';
export { diskStorage, type DiskStorage, type DiskStorageOptions } from './storage/disk-storage.js';
export type { PutOptions, PutResult, StorageDriver, StorageFileInfo, StoredObjectBody, StoredObjectInfo } from './storage/types.js';
export { storeBody, type BodyInput, type FileSource, type StoreBodyOptions } from './storage/store-body.js';
export { createConsoleLogger, silentLogger, type Logger, type LogLevel } from './logging/logger.js';
export { installShutdownHandler, type ShutdownHandle, type ShutdownOptions, type ShutdownProcess, type Shutdownable } from './node/install-shutdown-handler.js';
export {
  memoryLocker,
  assertFence,
  DEFAULT_LEASE_TIMINGS,
  resolveLeaseTimings,
  type MemoryLockerOptions,
  type AcquireOptions,
  type LeaseTimings,
  type UploadLease,
  type UploadLocker,
} from './lock/index.js';
export {
  createLoadGovernor,
  retryAfterHeaders,
  formatPrometheus,
  PROMETHEUS_CONTENT_TYPE,
  type BudgetReading,
  type LoadGauges,
  type LoadGovernor,
  type LoadGovernorOptions,
  type LoadTicket,
  type ObservableHandler,
  type PrometheusOptions,
} from './load/index.js';
