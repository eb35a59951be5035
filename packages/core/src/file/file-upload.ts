import type { Readable } from 'node:stream';
import { toUploadError, type UploadError } from '../errors/upload-error.js';
import type { KeyFunction } from '../naming/key-strategies.js';
import { safeNameFor } from '../naming/sanitize-filename.js';
import type { StoredFile } from '../result/types.js';
import type { StorageDriver } from '../storage/types.js';
import type { ChecksumAlgorithm } from './checksums.js';
import { SNIFF_BYTES } from './detect-type.js';
import { FileTap } from './file-tap.js';
import { judgeType } from './judge-type.js';
import { planKey } from './plan-key.js';

/** What the protocol says about one file before its bytes: all of it client-supplied. */
export interface FileDeclaration {
  /** The form field (multipart), or the configured field of a raw or resumable upload. */
  field: string;
  /** The client's file name, raw (never used to build a path); `undefined` when absent. */
  name: string | undefined;
  /** The media type the client declared. */
  declaredType: string;
}

/** The per-file policy: what every file of one configuration goes through. */
export interface FilePolicy<Request = unknown> {
  storage: StorageDriver;
  /** Largest accepted file in bytes (`limits.fileSize`); one byte more is `LIMIT_FILE_SIZE`. */
  maxBytes: number;
  /** Digests to compute; `crc32c` must be loaded first (`loadChecksums`). */
  checksums: readonly ChecksumAlgorithm[];
  /** Media types accepted by sniffed type; `undefined` accepts any. */
  allowedTypes: readonly string[] | undefined;
  key: KeyFunction<Request>;
  /** Keep a partial object when the file fails part way (`removeIncompleteFiles: false`). */
  keepPartial: boolean;
}

/** Who the file belongs to: passed to the key function. */
export interface FileOwner<Request = unknown> {
  requestId: string;
  request: Request;
  /** When the request started (dated keys use it). */
  now: Date;
}

/** What a {@link FileUpload} reports to whoever runs it. */
export interface FileUploadHooks {
  /** The file failed: over its limit, a refused type, a bad key, or storage. Called at most once per cause. */
  onFailure(error: UploadError): void;
  /** Storage confirmed the whole file. */
  onStored?(file: StoredFile): void;
  /** The declared type disagrees with the bytes. */
  onWarning?(text: string): void;
}

/**
 * One file's way from its first byte to storage: the byte limit and digests
 * (its {@link FileTap}), the first bytes held for the type gate, the key,
 * `storage.put`, abort and removal. Every protocol's files go through it: a
 * multipart part, a raw body, a resumable upload's bytes.
 *
 * Feed it with {@link attach} (a Node stream, with backpressure both ways) or
 * {@link tap}`.feed()`/`finish()`. {@link done} settles (never rejects) once
 * nothing of the file is in flight any more; then {@link stored} is set if
 * storage holds the whole file.
 */
export class FileUpload<Request = unknown> {
  readonly field: string;
  readonly name: string;
  readonly safeName: string;
  readonly declaredType: string;
  /** The storage key, once decided (after the type gate). */
  key: string | undefined;
  /** True once `storage.put` was called: only then can storage hold anything of the file. */
  putStarted = false;
  /** Set when storage confirmed the whole file. */
  stored: StoredFile | undefined;
  /** Settles (never rejects) once nothing of this file is in flight. */
  readonly done: Promise<void>;
  /** The byte stage storage reads from. */
  readonly tap: FileTap;
  private abortController: AbortController | undefined;
  private resolveDone!: () => void;

  constructor(
    declaration: FileDeclaration,
    private readonly policy: FilePolicy<Request>,
    private readonly owner: FileOwner<Request>,
    private readonly hooks: FileUploadHooks,
  ) {
    this.field = declaration.field;
    this.name = declaration.name ?? '';
    this.safeName = safeNameFor(declaration.name, declaration.declaredType);
    this.declaredType = declaration.declaredType;
    this.done = new Promise<void>((resolve) => (this.resolveDone = resolve));
    this.tap = new FileTap({ maxBytes: policy.maxBytes, checksums: policy.checksums, headBytes: SNIFF_BYTES, onHead: (head) => this.startStoring(head) });
    // Once storage holds the tap, a plain error on it comes from the driver (e.g. the disk
    // driver's pipeline destroys its source with ENOSPC): a storage failure, not a 500.
    this.tap.on('error', (error) => this.hooks.onFailure(toUploadError(error, this.putStarted ? 'STORAGE_FAILED' : 'INTERNAL')));
    this.tap.on('close', () => {
      if (!this.putStarted) this.resolveDone();
    });
  }

  /** Bytes of the file received so far. */
  get bytes(): number {
    return this.tap.bytes;
  }

  /** True once every byte arrived and passed the limit (the file may still be storing). */
  get allBytesIn(): boolean {
    return this.tap.allBytesIn;
  }

  /**
   * Feeds a Node stream of the file's bytes into the pipeline with
   * backpressure both ways: the stream pauses while the pipeline is full (and
   * whatever feeds the stream with it) and resumes when storage reads again.
   */
  attach(stream: Readable): void {
    const tap = this.tap;
    tap.onWantMore = () => stream.resume();
    stream.on('data', (chunk: Buffer) => {
      if (!tap.feed(chunk)) stream.pause();
    });
    stream.on('end', () => tap.finish());
  }

  /**
   * Stops a file whose bytes are still arriving: aborts its storage write and
   * fails its stream with `error`. A file whose bytes all arrived is left to
   * finish storing (the caller's failure policy decides whether it stays).
   */
  abort(error: UploadError): void {
    if (this.tap.allBytesIn) return;
    this.abortController?.abort(error);
    if (!this.tap.destroyed) this.tap.destroy(error);
  }

  /** Removes the file (whole or partial) from storage; a no-op before its put started. */
  async remove(): Promise<void> {
    if (this.putStarted && this.key !== undefined) await this.policy.storage.remove(this.key);
  }

  /** The type gate, the key, then `storage.put`: runs once the first bytes are in. */
  private async startStoring(head: Buffer): Promise<void> {
    const { policy, owner } = this;
    const verdict = await judgeType(head, this.declaredType, this.safeName, policy);
    if (verdict.mismatch) this.hooks.onWarning?.(`declared type ${verdict.declaredType} does not match the content (${verdict.type})`);
    const key = await planKey(policy.key, { field: this.field, name: this.name, safeName: this.safeName, type: verdict.type, requestId: owner.requestId, request: owner.request, now: owner.now });
    // Aborted while the type or key was being decided: nothing may reach storage.
    if (this.tap.destroyed) throw this.tap.errored ?? new Error('aborted');
    this.key = key;
    this.putStarted = true;
    this.abortController = new AbortController();
    const put = policy.storage.put(key, this.tap, {
      signal: this.abortController.signal,
      file: { field: this.field, name: this.name, type: verdict.type },
      keepPartial: policy.keepPartial,
    });
    put.then(
      (result) => {
        this.stored = {
          field: this.field,
          name: this.name,
          safeName: this.safeName,
          key,
          type: verdict.type,
          declaredType: this.declaredType,
          detectedType: verdict.detectedType,
          size: this.tap.bytes,
          checksums: this.tap.checksums,
          location: result.location,
          etag: result.etag,
          lastModified: Date.now(),
        };
        this.hooks.onStored?.(this.stored);
        this.resolveDone();
      },
      (error: unknown) => {
        this.hooks.onFailure(toUploadError(error, 'STORAGE_FAILED'));
        this.resolveDone();
      },
    );
  }
}
