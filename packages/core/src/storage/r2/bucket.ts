/**
 * The part of the Workers R2 binding (`R2Bucket`) the driver uses, declared
 * structurally so that users need no extra type package: a real binding
 * (`env.MY_BUCKET`) and `@cloudflare/workers-types`' `R2Bucket` both fit.
 */

/** Bytes the binding accepts for a put or a part. */
export type R2Value = ArrayBuffer | ArrayBufferView | string | null;

/** HTTP metadata stored with an object (`R2HTTPMetadata`). */
export interface R2HttpMetadataLike {
  contentType?: string;
  contentLanguage?: string;
  contentDisposition?: string;
  contentEncoding?: string;
  cacheControl?: string;
  cacheExpiry?: Date;
}

/** The per-object options the driver passes to `put` and `createMultipartUpload`. */
export interface R2ObjectOptions {
  httpMetadata?: R2HttpMetadataLike;
  customMetadata?: Record<string, string>;
  storageClass?: string;
}

/** An object's metadata (`R2Object`). */
export interface R2ObjectLike {
  key: string;
  size: number;
  etag: string;
  httpEtag?: string;
  uploaded: Date;
  httpMetadata?: R2HttpMetadataLike;
}

/** An object with its body (`R2ObjectBody`). */
export interface R2ObjectBodyLike extends R2ObjectLike {
  body: ReadableStream<Uint8Array>;
}

/** One page of `list` (`R2Objects`). */
export interface R2ObjectsLike {
  objects: R2ObjectLike[];
  truncated: boolean;
  cursor?: string;
}

/** A part as `uploadPart` reports it (`R2UploadedPart`). */
export interface R2UploadedPartLike {
  partNumber: number;
  etag: string;
}

/** A multipart upload in progress (`R2MultipartUpload`). */
export interface R2MultipartUploadLike {
  readonly key: string;
  readonly uploadId: string;
  uploadPart(partNumber: number, value: R2Value): Promise<R2UploadedPartLike>;
  abort(): Promise<void>;
  complete(uploadedParts: R2UploadedPartLike[]): Promise<R2ObjectLike>;
}

/** The methods of an R2 bucket binding the driver calls. */
export interface R2BucketLike {
  put(key: string, value: R2Value, options?: R2ObjectOptions): Promise<R2ObjectLike | null>;
  get(key: string): Promise<R2ObjectBodyLike | null>;
  delete(keys: string | string[]): Promise<void>;
  list(options?: { prefix?: string; cursor?: string; limit?: number }): Promise<R2ObjectsLike>;
  createMultipartUpload(key: string, options?: R2ObjectOptions): Promise<R2MultipartUploadLike>;
}
