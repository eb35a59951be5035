import { Transform, type TransformCallback } from 'node:stream';
import type { ByteBudget } from './byte-budget.js';

/**
 * lib-storage copies the part being filled once it is complete
 * (`Buffer.concat` of the incoming chunks), so for a moment that part exists
 * twice. One extra part of reservation per upload covers the copy.
 */
const COPY_PARTS = 1;

/**
 * Parts an upload reserves before its first byte passes: one being filled,
 * its copy, and one with S3. At least two real parts are needed because
 * lib-storage only hands part N to S3 once it has seen the first byte of part
 * N + 1: with one, uploads that each hold one part and wait for a second
 * could fill the budget and wait on each other forever.
 */
export const BASE_PARTS = 2 + COPY_PARTS;

/**
 * The stage between the file stream and lib-storage that keeps an upload
 * inside the driver's memory budget. Every byte lib-storage buffers passed
 * through here, and a byte only passes once the part it belongs to has a
 * reservation of `partSize` bytes:
 *
 * - the first byte waits (in the budget's queue, holding nothing) for
 *   {@link BASE_PARTS} parts;
 * - later parts take a spare reservation if one is free right away, up to
 *   `maxParts` (lib-storage's queueSize, plus the part being filled and its copy);
 * - otherwise the upload waits for one of its own parts to finish uploading.
 *
 * An upload therefore never waits on the shared budget while holding
 * anything, so uploads cannot deadlock each other. While the gate waits it
 * does not call back, which pauses the file stream, the parser and the socket.
 */
export class PartGate extends Transform {
  /** Bytes that passed through. */
  bytes = 0;
  private heldParts = 0;
  private openedParts = 0;
  private finishedParts = 0;
  private wake: (() => void) | undefined;
  private readonly stop = new AbortController();

  constructor(
    private readonly budget: ByteBudget,
    private readonly partSize: number,
    private readonly maxParts: number,
  ) {
    super();
  }

  /** Bytes this upload has reserved in the budget right now. */
  get reservedBytes(): number {
    return this.heldParts * this.partSize;
  }

  /** Called when S3 has answered for one part: its buffer is no longer held. */
  partSettled(): void {
    if (this.finishedParts >= this.openedParts) return;
    this.finishedParts += 1;
    if (this.wake) {
      // Our own filling part is waiting: hand the freed reservation to it.
      const wake = this.wake;
      this.wake = undefined;
      wake();
    } else if (this.heldParts > BASE_PARTS) {
      this.heldParts -= 1;
      this.budget.release(this.partSize);
    }
  }

  /**
   * Gives every reservation back. Call only once S3 holds none of this
   * upload's buffers any more (after lib-storage's `done()` settled).
   */
  releaseAll(): void {
    this.budget.release(this.reservedBytes);
    this.heldParts = 0;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.pass(chunk).then(
      () => callback(),
      (error: unknown) => callback(error as Error),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.stop.abort(error ?? new Error('upload stopped'));
    this.wake?.();
    callback(error);
  }

  private async pass(chunk: Buffer): Promise<void> {
    let offset = 0;
    while (offset < chunk.length) {
      const inPart = this.bytes % this.partSize;
      if (inPart === 0) await this.openPart();
      const take = Math.min(chunk.length - offset, this.partSize - inPart);
      this.push(offset === 0 && take === chunk.length ? chunk : chunk.subarray(offset, offset + take));
      this.bytes += take;
      offset += take;
    }
  }

  private async openPart(): Promise<void> {
    if (this.heldParts === 0) {
      await this.budget.acquire(BASE_PARTS * this.partSize, this.stop.signal);
      this.heldParts = BASE_PARTS;
    }
    // Unsettled parts, plus the one being opened, plus the copy lib-storage will make of it.
    while (this.openedParts - this.finishedParts + 1 + COPY_PARTS > this.heldParts) {
      if (this.heldParts < this.maxParts && this.budget.tryAcquire(this.partSize)) {
        this.heldParts += 1;
        break;
      }
      // At least one of our parts is with S3 now, and will settle.
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.stop.signal.throwIfAborted();
    }
    this.openedParts += 1;
  }
}
