import type { Readable } from 'node:stream';

/** What a driver is told about the file it stores (beyond its bytes). */
export interface StorageFileInfo {
  /** The form field, or the raw-upload field name. */
  field: string;
  /** The client's file name (for metadata only; the key is already decided). */
  name: string;
  /** The effective media type (sniffed when possible). */
  type: string;
}

/** Options of {@link StorageDriver.put}. */
export interface PutOptions {
  /** Aborted when the request fails: the driver must stop and discard what it wrote. */
  signal: AbortSignal;
  /** Describes the file; drivers may turn it into metadata (e.g. S3 ContentType). */
  file: StorageFileInfo;
  /**
   * When true and the body fails part way, keep what was written under `key`
   * instead of discarding it (formaline's `removeIncompleteFiles: false`).
   * Drivers that cannot keep partial data (S3) ignore it.
   */
  keepPartial?: boolean;
}

/** What a driver reports once an object is completely stored. */
export interface PutResult {
  /** Bytes the driver wrote. */
  size: number;
  /** A driver-specific location (file path, URL). */
  location?: string;
  /** An entity tag, where the store has one. */
  etag?: string;
}

/** A stored object read back. */
export interface StoredObjectBody {
  body: Readable;
  size: number;
  contentType?: string;
  lastModified?: Date;
}

/** One entry of {@link StorageDriver.list}. */
export interface StoredObjectInfo {
  key: string;
  size: number;
  lastModified: Date;
}

/**
 * The storage contract. It is deliberately small: the core owns keys, limits,
 * hashing and cleanup, so a driver only moves bytes.
 *
 * `put` must consume `body` with backpressure (never buffer a whole file unless
 * it is the memory driver), must reject if `body` errors or `signal` aborts,
 * and in that case must leave nothing under `key` (unless `keepPartial`).
 * A reader must never see a half-written object under `key`.
 * `remove` must succeed when the key does not exist.
 */
export interface StorageDriver {
  /** A short name for logs and results ("memory", "disk", "s3"). */
  readonly name: string;
  put(key: string, body: Readable, options: PutOptions): Promise<PutResult>;
  remove(key: string): Promise<void>;
  /** Reads an object back, or `undefined` when it does not exist. */
  get?(key: string): Promise<StoredObjectBody | undefined>;
  /** Lists stored objects, optionally under a key prefix. */
  list?(prefix?: string): AsyncIterable<StoredObjectInfo>;
}
