import type { ChecksumAlgorithm } from '../file/checksums.js';
import type { UploadErrorCode } from '../errors/error-codes.js';

/** Hex digests of one file, by algorithm. Only the configured algorithms are present. */
export type Checksums = Partial<Record<ChecksumAlgorithm, string>>;

/**
 * One file that was stored completely. Names follow the W3C File API where they
 * fit (`name`, `type`, `size`, `lastModified`).
 */
export interface StoredFile {
  /** The form field the file came in. */
  field: string;
  /** The file name as the client sent it (UTF-8); never used to build a path. */
  name: string;
  /** The sanitized file name that went into the key. */
  safeName: string;
  /** Where the file lives in storage. */
  key: string;
  /** The effective media type: sniffed from the bytes when possible. */
  type: string;
  /** The media type the client declared for the part. */
  declaredType: string;
  /** The media type found in the file's first bytes, if any was recognised. */
  detectedType: string | undefined;
  /** Bytes stored. */
  size: number;
  /** Digests computed while streaming. */
  checksums: Checksums;
  /** A driver-specific location (a path, a URL), if the driver reports one. */
  location: string | undefined;
  /** The storage entity tag, if the driver reports one. */
  etag: string | undefined;
  /** When the file was stored, in milliseconds since the epoch. */
  lastModified: number;
}

/** A file that did not finish: the request failed while (or after) it streamed. */
export interface IncompleteFile {
  field: string;
  name: string;
  key: string | undefined;
  declaredType: string;
  /** Bytes of this file that were received before it stopped. */
  bytesReceived: number;
  /** The failure that stopped this file (or the request). */
  reason: UploadErrorCode;
  /** True when the partial data was kept in storage (`removeIncompleteFiles: false`). */
  kept: boolean;
}

/** Totals of one request, formaline's `stats`. */
export interface UploadStats {
  startTime: number;
  endTime: number;
  durationMs: number;
  /** Bytes of the request body read from the client. */
  bytesReceived: number;
  /** Bytes of file content handed to storage. */
  bytesWritten: number;
  chunksReceived: number;
  filesCompleted: number;
  filesRemoved: number;
}

/** A record that cannot be prototype-polluted: it has no prototype at all. */
export type SafeRecord<T> = Record<string, T>;

/** What one request produced (formaline's `loadend` payload). */
export interface UploadResult {
  requestId: string;
  /** Stored files grouped by field name; repeated names keep every file. */
  files: SafeRecord<StoredFile[]>;
  /** Files that did not complete (only non-empty when the request failed). */
  incomplete: IncompleteFile[];
  /** Text fields grouped by name: a string, or an array when the name repeats. */
  fields: SafeRecord<string | string[]>;
  stats: UploadStats;
}
