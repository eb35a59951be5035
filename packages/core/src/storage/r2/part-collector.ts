import { Buffer } from 'node:buffer';

/**
 * A plain `Uint8Array` over the same memory. Bindings that serialize their
 * arguments (miniflare's Node API) accept only the standard typed arrays, not
 * Node's `Buffer` subclass; workerd takes either.
 */
export function plainBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/**
 * Gathers a file's chunks into parts of exactly `partSize` bytes. R2 wants
 * every part of a multipart upload but the last to be the same size, so a
 * part is cut only once more bytes than `partSize` are held: a file that ends
 * on a part boundary keeps its last part back as the final one (and a file of
 * at most one part is never cut at all, so it can go up as one put).
 */
export class PartCollector {
  /** Bytes held right now. */
  held = 0;
  /** Bytes seen in all. */
  total = 0;
  private chunks: Buffer[] = [];

  constructor(private readonly partSize: number) {}

  /** Holds a chunk (by reference; the stream gave it up). */
  add(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    this.chunks.push(buffer);
    this.held += buffer.length;
    this.total += buffer.length;
  }

  /** True when a full part can be cut and at least one byte would be left for a later part. */
  get hasPartBeforeMore(): boolean {
    return this.held > this.partSize;
  }

  /** Cuts the next full part: one buffer of exactly `partSize` bytes, copied so the chunks can go. */
  takePart(): Buffer {
    const part = Buffer.allocUnsafe(this.partSize);
    let filled = 0;
    while (filled < this.partSize) {
      const chunk = this.chunks[0]!;
      const take = Math.min(chunk.length, this.partSize - filled);
      chunk.copy(part, filled, 0, take);
      filled += take;
      if (take === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(take);
    }
    this.held -= this.partSize;
    return part;
  }

  /** Everything still held (at most one part), as one buffer; the collector is empty afterwards. */
  takeRest(): Buffer {
    const rest = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.held);
    this.chunks = [];
    this.held = 0;
    return rest;
  }
}
