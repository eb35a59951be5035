import { FIELD_VALUE, TOKEN } from './char-classes.js';

/** busboy 1.6 refuses a part header block over this (Node's own request-header cap). Kept, so neither engine buffers more. */
export const MAX_HEADER_BLOCK_BYTES = 16 * 1024;

/** The headers of one part that matter to the engine. */
export interface PartHeaders {
  /** Every Content-Disposition value, in order, as latin1 text (one char per byte). */
  dispositions: string[];
  /** The first Content-Type value (latin1), if any. */
  contentType: string | undefined;
  /** Header lines in the block, for the `headerPairs` limit. */
  lines: number;
}

/** {@link PartHeaderReader.push}: the block is not complete yet; every byte given was taken. */
export const NEED_MORE = -1;
/** {@link PartHeaderReader.push}: the block is malformed; see {@link PartHeaderReader.reason}. */
export const MALFORMED = -2;

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HTAB = 0x09;
const COLON = 0x3a;

/**
 * Reads one part's header block, from just after its delimiter line to the
 * empty line that ends it, across any chunk splits. Strict where busboy 1.6
 * is strict (a header name of token bytes, no control bytes in a value,
 * CR always followed by LF, at most 16 KiB), and stricter in two places:
 *
 * - A line starting with a space or tab (obs-fold) is refused. RFC 9110 §5.5
 *   obsoletes folding, and the dicer crash (CVE-2022-24434) and busboy's
 *   silently dropped folded Content-Disposition both came from it.
 * - A line starting with the dash-boundary is refused: busboy's delimiter
 *   search runs through header blocks too (it would see a delimiter there),
 *   so reading it as a header would be a parser differential.
 *
 * Bytes are copied into a buffer owned by the reader, grown on demand up to
 * the 16 KiB cap (a browser's block is ~150 bytes; 16 KiB up front per
 * request would cost 160 MiB at 10,000 concurrent uploads). Lines are checked
 * as each one completes, so a bad line is refused without waiting for the
 * rest of the block.
 */
export class PartHeaderReader {
  /** Why the last block was refused, for the error message. */
  reason = '';
  /** The headers of the block just completed (valid after `push` returned an index). */
  headers: PartHeaders = emptyHeaders();

  private block = Buffer.alloc(0);
  private length = 0;
  private lineStart = 0;

  /** @param dashBoundary `--` and the boundary, which no header line may start with. */
  constructor(private readonly dashBoundary: Buffer) {}

  /** Starts a new block. */
  reset(): void {
    this.length = 0;
    this.lineStart = 0;
    this.headers = emptyHeaders();
  }

  /**
   * Takes bytes from `chunk[from..]`. Returns the index just past the block
   * once it is complete, {@link NEED_MORE} when every byte was taken and the
   * block goes on, or {@link MALFORMED}.
   */
  push(chunk: Buffer, from: number): number {
    let pos = from;
    while (pos < chunk.length) {
      const lf = chunk.indexOf(LF, pos);
      const end = lf === -1 ? chunk.length : lf + 1;
      if (this.length + end - pos > MAX_HEADER_BLOCK_BYTES) return this.refuse('a part header block over 16 KiB');
      if (this.length + end - pos > this.block.length) this.grow(this.length + end - pos);
      chunk.copy(this.block, this.length, pos, end);
      this.length += end - pos;
      pos = end;
      if (lf === -1) return NEED_MORE;
      const start = this.lineStart;
      this.lineStart = this.length;
      const verdict = this.readLine(start, this.length);
      if (verdict === LINE_END_OF_BLOCK) return pos;
      if (verdict === LINE_MALFORMED) return MALFORMED;
    }
    return NEED_MORE;
  }

  /** Checks and records the line `block[start..end)`, which ends with LF. */
  private readLine(start: number, end: number): number {
    const block = this.block;
    if (end - start < 2 || block[end - 2] !== CR) return (this.refuse('a bare LF in a part header'), LINE_MALFORMED);
    const contentEnd = end - 2;
    if (contentEnd === start) return LINE_END_OF_BLOCK;
    const first = block[start]!;
    if (first === SP || first === HTAB) return (this.refuse('a folded part header line'), LINE_MALFORMED);
    if (contentEnd - start >= this.dashBoundary.length && block.compare(this.dashBoundary, 0, this.dashBoundary.length, start, start + this.dashBoundary.length) === 0) {
      return (this.refuse('a delimiter inside a part header block'), LINE_MALFORMED);
    }

    let i = start;
    while (i < contentEnd && TOKEN[block[i]!] === 1) ++i;
    if (i === start || i === contentEnd || block[i] !== COLON) return (this.refuse('a part header line that is not `name: value`'), LINE_MALFORMED);
    const nameEnd = i++;
    while (i < contentEnd && (block[i] === SP || block[i] === HTAB)) ++i;
    const valueStart = i;
    for (; i < contentEnd; ++i) {
      if (FIELD_VALUE[block[i]!] !== 1) return (this.refuse('a control byte in a part header'), LINE_MALFORMED);
    }

    const headers = this.headers;
    headers.lines += 1;
    const nameLength = nameEnd - start;
    // Only two header names matter; compare just those, case-insensitively.
    if (nameLength === 19 || nameLength === 12) {
      const name = block.toString('latin1', start, nameEnd).toLowerCase();
      if (name === 'content-disposition') headers.dispositions.push(block.toString('latin1', valueStart, contentEnd));
      else if (name === 'content-type' && headers.contentType === undefined) headers.contentType = block.toString('latin1', valueStart, contentEnd);
    }
    return LINE_OK;
  }

  /** Makes room for `needed` bytes (at most the cap, checked by the caller), keeping what was read. */
  private grow(needed: number): void {
    const grown = Buffer.allocUnsafe(Math.min(MAX_HEADER_BLOCK_BYTES, Math.max(needed, 2 * this.block.length, 512)));
    this.block.copy(grown, 0, 0, this.length);
    this.block = grown;
  }

  private refuse(reason: string): number {
    this.reason = reason;
    return MALFORMED;
  }
}

const LINE_OK = 0;
const LINE_END_OF_BLOCK = 1;
const LINE_MALFORMED = 2;

function emptyHeaders(): PartHeaders {
  return { dispositions: [], contentType: undefined, lines: 0 };
}
