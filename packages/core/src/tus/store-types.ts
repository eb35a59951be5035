import type { Readable } from 'node:stream';
import type { UploadLease } from '../lock/types.js';

/** What is known about the file of a resumable upload (from metadata, then from its bytes). */
export interface ResumableFile {
  /** The client's file name from `Upload-Metadata` (untrusted; never used in a path). */
  name: string;
  /** The sanitized name used in the key. */
  safeName: string;
  /** The media type the client declared (`filetype`/`type` metadata), or `application/octet-stream`. */
  declaredType: string;
  /** The effective type, once judged on the first bytes. */
  type?: string;
  /** What the first bytes said, when recognised. */
  detectedType?: string;
}

/** What a completed upload left in storage. */
export interface ResumableCompletion {
  size: number;
  etag?: string;
  location?: string;
  /** When it completed, ms since the epoch. */
  at: number;
}

/**
 * The persistent state of one resumable upload. Every field lives in the
 * store (an info object on S3, a JSON file on disk), never only in a process,
 * so any process that reaches the store can answer for it.
 */
export interface ResumableInfo {
  /** The upload id (the last segment of its URL). */
  id: string;
  /** Total bytes, or `undefined` while the length is deferred. */
  length: number | undefined;
  /** Bytes durably stored so far. Never decreases. */
  offset: number;
  /** The decoded `Upload-Metadata` (values are untrusted text). */
  metadata: Record<string, string>;
  /** When it was created, ms since the epoch. */
  createdAt: number;
  /** After this moment an incomplete upload is gone (404/410) and may be swept. */
  expiresAt: number;
  /** The storage key of the final object, fixed once the type is judged. */
  key: string | undefined;
  file: ResumableFile;
  /** Set once the final object exists. */
  completed?: ResumableCompletion;
  /** The fencing token of the last writer (see the lock module's `assertFence`). */
  fence?: number;
  /** Facts only the store understands (S3: parts, tail). Opaque to everyone else; pass it back unchanged. */
  storeState?: unknown;
}

/** What {@link ResumableStore.create} is given. */
export type NewResumableUpload = Omit<ResumableInfo, 'offset' | 'completed' | 'fence' | 'storeState'>;

/** Options of {@link ResumableStore.append}. */
export interface AppendOptions {
  /** The offset the caller believes is current; the store rejects a different one. */
  offset: number;
  /** Stops the append; what arrived before it is persisted (unless `verify` is set). */
  signal?: AbortSignal;
  /**
   * Called once the body ended cleanly, before the new bytes are committed.
   * Throwing discards every byte of this append (the tus checksum extension).
   * When `verify` is set, an append whose body fails is discarded too: bytes
   * that cannot be verified are never kept.
   */
  verify?: () => void;
  /**
   * The writer's lease: the store calls `lease.assertHeld()` before each
   * persistent write and records `lease.token` in the upload's state, refusing
   * a writer whose token is older than the recorded one (`assertFence`).
   */
  lease?: UploadLease;
  /**
   * The state the caller read under its lease just before (from `getInfo`).
   * A store may use it instead of reading the state again; it must still
   * read it when `state.offset` is not `offset`.
   */
  state?: ResumableInfo;
  /**
   * How many bytes the request announced (its Content-Length), when it did.
   * A store may start writing a unit (an S3 part) before its bytes have all
   * arrived when the body promises them; it must still cope with a body that
   * stops short.
   */
  bodyLength?: number;
}

/** One upload as the expiry sweep sees it. */
export interface ResumableListEntry {
  id: string;
  expiresAt: number;
  completed: boolean;
}

/**
 * Where a resumable upload keeps its state and bytes. No temporary files and
 * nothing only in memory: every byte an append received is persisted in the
 * store before `append` settles, and the offset never decreases, whatever
 * step a crash interrupts.
 */
export interface ResumableStore {
  /** A short name for logs ("memory", "disk", "s3"). */
  readonly name: string;
  /** Persists a new upload at offset 0. */
  create(upload: NewResumableUpload): Promise<ResumableInfo>;
  /** The upload's state, or `undefined` when it does not exist. */
  getInfo(id: string): Promise<ResumableInfo | undefined>;
  /** Changes the length (once, when deferred), the key or the file facts. */
  update(id: string, changes: Partial<Pick<ResumableInfo, 'length' | 'key' | 'file'>>): Promise<ResumableInfo>;
  /**
   * Appends `body` at `options.offset`. Resolves with the new offset; when the
   * body errors, aborts or ends early, the bytes that arrived are persisted
   * first and the promise rejects with the body's error (the new offset is on
   * the error as `offset` and in {@link getInfo}).
   */
  append(id: string, body: Readable, options: AppendOptions): Promise<number>;
  /** Up to `maxBytes` of the upload's first stored bytes (for type sniffing). */
  readHead(id: string, maxBytes: number): Promise<Buffer>;
  /**
   * Turns the stored bytes into the final object under `info.key` once
   * `offset === length`. Idempotent: a second call (a retried final PATCH,
   * another process, a recovery after a crash) never makes a second object.
   */
  complete(id: string, options?: { lease?: UploadLease }): Promise<ResumableInfo>;
  /** Reads a completed upload's final object back (to hash it), or `undefined`. */
  openCompleted(info: ResumableInfo): Promise<Readable | undefined>;
  /**
   * Removes the upload's state and stored bytes (aborts an S3 multipart
   * upload). With `object: true` a completed final object is deleted too.
   * Succeeds when the upload does not exist.
   */
  remove(id: string, options?: { object?: boolean }): Promise<void>;
  /** Every upload the store holds, for the expiry sweep. */
  list(): AsyncIterable<ResumableListEntry>;
}

/** Thrown by a store's `append` when `offset` is not the stored offset. */
export class OffsetConflictError extends Error {
  override readonly name = 'OffsetConflictError';
  constructor(
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`offset ${actual} does not match the stored offset ${expected}`);
  }
}
