import { Readable } from 'node:stream';
import { UploadError } from '../errors/upload-error.js';
import { ChecksumSet, type ChecksumAlgorithm } from './checksums.js';

/** Options of {@link FileTap}. */
export interface FileTapOptions {
  /** Largest accepted file; one byte more fails the stream with `LIMIT_FILE_SIZE`. */
  maxBytes: number;
  checksums: readonly ChecksumAlgorithm[];
  /** How many leading bytes to hold back before `onHead` decides. */
  headBytes: number;
  /**
   * Called once with the file's first bytes (fewer if the file is shorter),
   * before any byte is passed on. Rejecting fails the stream: nothing of the
   * file has reached storage at that point.
   */
  onHead(head: Buffer): Promise<void>;
}

/** Buffered bytes at which {@link FileTap.feed} asks its source to pause: one socket read's worth. */
const TAP_HIGH_WATER_MARK = 64 * 1024;

/**
 * The per-file stage between the parser and storage: counts bytes against the
 * file limit, feeds the digests, and holds the first bytes back until the
 * file's type and key are decided. Storage reads it as a plain Readable.
 *
 * It is fed, not piped into: the engine hands it each chunk of the parser's
 * file stream with {@link feed} and pauses that stream when `feed` returns
 * false, until {@link onWantMore} fires. A Transform here (the first design)
 * put one more writable buffer and callback hop on every chunk.
 */
export class FileTap extends Readable {
  /** Bytes that entered the tap. */
  bytes = 0;
  /** True once every byte of the file arrived and was passed on (the file may still be storing). */
  allBytesIn = false;
  /** Called when the tap wants more after {@link feed} returned false. */
  onWantMore: () => void = () => {};
  /** Absent when no digest is configured: nothing to create or update per file. */
  private readonly checksumSet: ChecksumSet | undefined;
  private held: Buffer[] | undefined = [];
  private heldBytes = 0;
  private deciding = false;
  private sourceEnded = false;
  private wantsMore = true;
  private digests: Partial<Record<ChecksumAlgorithm, string>> | undefined;

  constructor(private readonly options: FileTapOptions) {
    super({ highWaterMark: TAP_HIGH_WATER_MARK });
    this.checksumSet = options.checksums.length > 0 ? new ChecksumSet(options.checksums) : undefined;
  }

  /** The finished digests; only valid once every byte is in. */
  get checksums(): Partial<Record<ChecksumAlgorithm, string>> {
    return this.digests ?? {};
  }

  /**
   * Takes the next chunk of the file. Returns false when the source should
   * pause until {@link onWantMore} is called (storage is behind, or the head
   * is being decided).
   */
  feed(chunk: Buffer): boolean {
    // A failed tap keeps its source paused: the request is failing, and
    // reading on would only pull more of a refused body off the socket.
    if (this.destroyed) return false;
    if (this.sourceEnded) return true;
    this.bytes += chunk.length;
    if (this.bytes > this.options.maxBytes) {
      this.destroy(new UploadError('LIMIT_FILE_SIZE', { details: { limit: 'fileSize', max: this.options.maxBytes } }));
      return false;
    }
    this.checksumSet?.update(chunk);
    if (this.held === undefined) {
      this.wantsMore = this.push(chunk);
      return this.wantsMore;
    }
    // Still holding back: chunks that arrive while the head is being decided
    // (a source may deliver one more before its pause takes) queue behind it.
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    if (this.deciding) return false;
    if (this.heldBytes < this.options.headBytes) return true;
    this.decideHead();
    return false;
  }

  /** The source ended: every byte of the file has been fed. */
  finish(): void {
    if (this.destroyed || this.sourceEnded) return;
    this.sourceEnded = true;
    if (this.held === undefined) this.end();
    else this.decideHead();
  }

  override _read(): void {
    if (this.wantsMore || this.deciding) return;
    this.wantsMore = true;
    this.onWantMore();
  }

  private end(): void {
    this.digests = this.checksumSet?.hex() ?? {};
    this.allBytesIn = true;
    this.push(null);
  }

  /** Asks `onHead` about the first bytes, then passes everything held on (or fails). */
  private decideHead(): void {
    if (this.deciding) return;
    this.deciding = true;
    this.wantsMore = false;
    const held = this.held!;
    const head = held.length === 1 ? held[0]! : Buffer.concat(held, this.heldBytes);
    this.options.onHead(head).then(
      () => {
        this.deciding = false;
        if (this.destroyed) return;
        const chunks = this.held!;
        this.held = undefined;
        let more = true;
        for (const chunk of chunks) more = this.push(chunk);
        if (this.sourceEnded) return this.end();
        this.wantsMore = more;
        if (more) this.onWantMore();
      },
      (error: unknown) => {
        this.deciding = false;
        this.destroy(error instanceof Error ? error : new Error(String(error)));
      },
    );
  }
}
