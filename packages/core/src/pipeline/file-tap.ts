import { Transform, type TransformCallback } from 'node:stream';
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

/**
 * The per-file stage between the parser and storage: counts bytes against the
 * file limit, feeds the digests, and holds the first bytes back until the
 * file's type and key are decided. One Transform per file, so backpressure
 * from storage reaches the parser (and from there the socket) unchanged.
 */
export class FileTap extends Transform {
  /** Bytes that entered the tap. */
  bytes = 0;
  private readonly checksumSet: ChecksumSet;
  private held: Buffer[] | undefined = [];
  private heldBytes = 0;
  private digests: Partial<Record<ChecksumAlgorithm, string>> | undefined;

  constructor(private readonly options: FileTapOptions) {
    super();
    this.checksumSet = new ChecksumSet(options.checksums);
  }

  /** The finished digests; only valid once the tap has ended. */
  get checksums(): Partial<Record<ChecksumAlgorithm, string>> {
    return this.digests ?? {};
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.options.maxBytes) {
      callback(new UploadError('LIMIT_FILE_SIZE', { details: { limit: 'fileSize', max: this.options.maxBytes } }));
      return;
    }
    if (!this.checksumSet.isEmpty) this.checksumSet.update(chunk);
    if (this.held === undefined) {
      callback(null, chunk);
      return;
    }
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    if (this.heldBytes >= this.options.headBytes) this.releaseHead(callback);
    else callback();
  }

  override _flush(callback: TransformCallback): void {
    const finish = (error?: Error | null): void => {
      if (error) return callback(error);
      this.digests = this.checksumSet.hex();
      callback();
    };
    if (this.held !== undefined) this.releaseHead(finish);
    else finish();
  }

  private releaseHead(callback: (error?: Error | null) => void): void {
    const held = this.held ?? [];
    this.held = undefined;
    const head = held.length === 1 ? held[0]! : Buffer.concat(held, this.heldBytes);
    this.options.onHead(head).then(
      () => {
        for (const chunk of held) this.push(chunk);
        callback();
      },
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
    );
  }
}
