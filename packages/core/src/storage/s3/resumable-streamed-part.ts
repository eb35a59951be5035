import { PassThrough, type Readable } from 'node:stream';
import type { RecordedPart } from './resumable-objects.js';

/**
 * A body that can be sent once. The SDK retries a failed request by piping
 * the same body again; a live stream cannot replay what it already gave, and
 * a second pipe would announce the part's length and send less, leaving the
 * request waiting. So a second pipe fails the attempt at once, and the part
 * is sent again from the buffer instead.
 */
class OneShotBody extends PassThrough {
  private piped = false;

  override pipe<T extends NodeJS.WritableStream>(destination: T, options?: { end?: boolean }): T {
    if (this.piped) {
      const target = destination as unknown as { destroy?(error: Error): void };
      process.nextTick(() => target.destroy?.(new Error('a streamed part cannot be sent twice')));
      return destination;
    }
    this.piped = true;
    return super.pipe(destination, options);
  }
}

/** Sends one part: its number, its body (bytes or a stream of exactly `size` bytes), and a signal that aborts the request. */
export type SendPart = (n: number, body: Buffer | Readable, size: number, signal: AbortSignal) => Promise<RecordedPart>;

/**
 * A part that goes to S3 while its bytes still arrive, so that receiving a
 * PATCH and uploading it overlap instead of taking turns. It is only started
 * when the request has announced (Content-Length) at least the bytes that
 * fill the part. The bytes are also copied into the append's part buffer as
 * usual, so nothing depends on this request succeeding: when the body stops
 * short, {@link cancel} aborts the request and the buffered bytes go to the
 * tail object; when S3 fails the streamed request, the part is sent again
 * from the buffer.
 */
export class StreamedPart {
  /** The part number. */
  readonly n: number;
  /** Settles when S3 answered for the streamed bytes. */
  readonly done: Promise<RecordedPart>;
  private readonly body = new OneShotBody();
  private readonly cancelled = new AbortController();

  constructor(send: SendPart, n: number, size: number, signal: AbortSignal | undefined) {
    this.n = n;
    // A write after the SDK gave up on the stream must not become an unhandled 'error'.
    this.body.on('error', () => {});
    const stop = signal ? AbortSignal.any([signal, this.cancelled.signal]) : this.cancelled.signal;
    this.done = send(n, this.body, size, stop);
    this.done.catch(() => {});
  }

  /** Passes bytes on (a view of the part buffer: it is not reused before the part settles). */
  write(bytes: Buffer): void {
    if (!this.body.destroyed && !this.body.writableEnded) this.body.write(bytes);
  }

  /** All the part's bytes were written. */
  end(): void {
    if (!this.body.destroyed) this.body.end();
  }

  /**
   * Aborts the request (a stream that merely ended early would leave it
   * waiting for the announced length) and waits until it has settled.
   */
  async cancel(): Promise<void> {
    this.cancelled.abort();
    this.body.destroy();
    await this.done.catch(() => {});
  }
}
