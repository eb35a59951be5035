/**
 * @sluice/core/r2: the Cloudflare R2 storage driver over a Workers R2 binding.
 * It needs no extra dependency: the binding's type is declared structurally,
 * so `env.MY_BUCKET` (or `@cloudflare/workers-types`' `R2Bucket`) fits as is.
 */
export { r2Storage, R2_MIN_PART_SIZE, R2_MAX_PART_SIZE, type R2Storage, type R2StorageOptions } from './r2-storage.js';
export { toR2UploadError } from './r2-error.js';
export type {
  R2BucketLike,
  R2HttpMetadataLike,
  R2MultipartUploadLike,
  R2ObjectBodyLike,
  R2ObjectLike,
  R2ObjectOptions,
  R2ObjectsLike,
  R2UploadedPartLike,
  R2Value,
} from './bucket.js';
