import { decodeFieldValue } from './charsets.js';

/**
 * Buffers one text field's value up to a cap, then only notes that it was
 * cut. The cap is one byte past the `fieldSize` limit, so that the engine can
 * refuse "one more than the limit" exactly while a huge field costs at most
 * the limit in memory. Slices of the request's chunks are kept as they are.
 */
export class FieldCollector {
  /** True once the value reached the cap; the rest of it was dropped. */
  truncated = false;

  private readonly slices: Buffer[] = [];
  private size = 0;

  /** @param cap bytes kept at most (`fieldSize + 1`; may be Infinity). */
  constructor(private readonly cap: number) {}

  /** Adds bytes of the value. */
  add(data: Buffer): void {
    if (this.truncated) return;
    const room = this.cap - this.size;
    if (data.length >= room) {
      this.slices.push(data.subarray(0, room));
      this.size = this.cap;
      this.truncated = true;
      return;
    }
    this.slices.push(data);
    this.size += data.length;
  }

  /** The value, decoded in `charset` (UTF-8 unless the part said latin1 or UTF-16LE). */
  value(charset: string): string {
    const bytes = this.slices.length === 1 ? this.slices[0]! : Buffer.concat(this.slices, this.size);
    return decodeFieldValue(bytes, charset);
  }
}
