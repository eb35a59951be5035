/**
 * @sluice/core/s3: the S3 storage driver and the tools to run it (orphan
 * sweeper, lifecycle rule). Needs the optional peer dependencies
 * `@aws-sdk/client-s3` and `@aws-sdk/lib-storage`.
 */
export { s3Storage, type S3Storage } from './s3-storage.js';
export { MIN_PART_SIZE, toTagging, type S3ObjectParams, type S3StorageOptions } from './options.js';
export { contentDisposition } from './content-disposition.js';
export { mapS3Error, s3ErrorCode } from './map-s3-error.js';
export type { ByteBudgetStats } from './byte-budget.js';
export { listPendingUploads } from './pending-uploads.js';
export { sweepMultipartUploads, type PendingUpload, type SweepAction, type SweepOptions, type SweepProgress, type SweepSummary } from './sweep.js';
export { applyLifecycleRule, lifecycleRule, SLUICE_LIFECYCLE_RULE_ID, type LifecycleRuleOptions } from './lifecycle.js';
export { s3Resumable, type S3Resumable } from './resumable-store.js';
export { MAX_PARTS, type S3ResumableOptions } from './resumable-objects.js';
export { resumableStateRule, SLUICE_RESUMABLE_RULE_ID } from './resumable-lifecycle.js';
export { sweepExpiredS3Uploads, type ResumableSweepOptions } from './resumable-sweep.js';
