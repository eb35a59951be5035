import type { Buffer } from 'node:buffer';
import { UploadError } from '../../errors/index.js';
import type { Logger } from '../../logging/logger.js';
import type { R2BucketLike, R2MultipartUploadLike, R2ObjectLike, R2ObjectOptions, R2UploadedPartLike } from './bucket.js';
import { plainBytes } from './part-collector.js';
import { r2Call } from './r2-error.js';

/** Abort attempts before giving up on a failed upload (R2's default lifecycle rule removes it after 7 days). */
const ABORT_ATTEMPTS = 3;
/** R2's most parts in one upload. */
export const R2_MAX_PARTS = 10_000;

/**
 * One multipart upload through the binding, with at most one part in flight:
 * `send` waits for the previous part to be stored before it starts the next,
 * which is what keeps the caller (and so the file stream) paused meanwhile.
 */
export class MultipartWriter {
  private readonly parts: R2UploadedPartLike[] = [];
  private inFlight: Promise<void> | undefined;
  private failure: { error: unknown } | undefined;

  private constructor(
    private readonly upload: R2MultipartUploadLike,
    private readonly logger: Logger,
  ) {}

  /** Starts the upload (`createMultipartUpload`). */
  static async start(bucket: R2BucketLike, key: string, options: R2ObjectOptions, logger: Logger): Promise<MultipartWriter> {
    return new MultipartWriter(await r2Call(() => bucket.createMultipartUpload(key, options)), logger);
  }

  /** Starts sending `part` after the part in flight (call {@link settle} first to cut the part only once that one is stored). */
  async send(part: Buffer): Promise<void> {
    await this.settle();
    const partNumber = this.parts.length + 1;
    if (partNumber > R2_MAX_PARTS) {
      throw new UploadError('STORAGE_FAILED', { cause: new Error(`R2 takes at most ${R2_MAX_PARTS} parts per object: raise r2Storage's partSize`) });
    }
    this.parts.push({ partNumber, etag: '' });
    this.inFlight = r2Call(() => this.upload.uploadPart(partNumber, plainBytes(part))).then(
      (uploaded) => {
        this.parts[partNumber - 1] = uploaded;
      },
      (error: unknown) => {
        this.failure ??= { error };
      },
    );
  }

  /** Sends the last part (it may be shorter, or empty when nothing is left) and completes the object. */
  async finish(last: Buffer): Promise<R2ObjectLike> {
    if (last.length > 0 || this.parts.length === 0) await this.send(last);
    await this.settle();
    return r2Call(() => this.upload.complete(this.parts));
  }

  /**
   * Discards the upload once no part is in flight, so that no part lands
   * after the abort. Retries a few times; never throws (the caller is
   * already failing with the reason that matters).
   */
  async abort(): Promise<void> {
    await this.inFlight;
    for (let attempt = 1; attempt <= ABORT_ATTEMPTS; attempt += 1) {
      try {
        await this.upload.abort();
        return;
      } catch (error) {
        if (attempt === ABORT_ATTEMPTS) {
          this.logger.error('sluice: could not abort a failed R2 multipart upload; R2 removes it when its lifecycle rule runs', {
            key: this.upload.key,
            uploadId: this.upload.uploadId,
            error: String(error),
          });
        } else await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  }

  /** Waits for the part in flight to be stored; rejects if it failed. */
  async settle(): Promise<void> {
    await this.inFlight;
    this.inFlight = undefined;
    if (this.failure) throw this.failure.error;
  }
}
