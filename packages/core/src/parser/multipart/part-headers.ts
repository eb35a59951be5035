import { FIELD_VALUE, TOKEN } from './char-classes.js';

/** busboy 1.6 refuses a part header block over this (Node's own request-header cap). Kept, so neither engine buffers more. */
export const MAX_HEADER_BLOCK_BYTES = 16 * 1024;

/** The headers of one part that matter to the engine. */
export interface PartHeaders {
  /** Every Content-Disposition value, in order, as latin1 text (one char per byte), unfolded. */
  dispositions: string[];
  /** The first Content-Type value (latin1), if any. */
  contentType: string | undefined;
  /** The first Content-Transfer-Encoding value (latin1), if any. */
  transferEncoding: string | undefined;
  /** Header fields in the block (a folded or continued line is part of its field), for the `headerPairs` limit. */
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
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Which header the last line belonged to: where a folded or continued line goes. */
const Last = { None: 0, Disposition: 1, ContentType: 2, TransferEncoding: 3, Other: 4 } as const;
type Last = (typeof Last)[keyof typeof Last];

/**
 * Reads one part's header block, from just after its delimiter line to the
 * empty line that ends it, across any chunk splits. Strict where busboy 1.6
 * is strict (a header name of token bytes, no control bytes in a value, at
 * most 16 KiB), with three readings for what real clients send:
 *
 * - A line starting with a space or tab continues the header before it
 *   (RFC 5322 §2.2.3 folding, legal in MIME part headers): the line break is
 *   removed, the whitespace kept, as busboy does. A block that *starts* with
 *   such a line is refused (the dicer crash, CVE-2022-24434).
 * - The npm `form-data` package writes a file name's line breaks raw inside
 *   the quoted value: while a Content-Disposition has an open quote, a next
 *   line that is not a `name: value` header line continues it, line break
 *   kept (CRLF or a bare LF). Whether the result reads unambiguously is
 *   decided by {@link parseContentDisposition}.
 * - Otherwise every line ends with CRLF; a bare LF is refused.
 *
 * A line starting with the dash-boundary is refused: busboy's delimiter
 * search runs through header blocks too (it would see a delimiter there), so
 * reading it as a header would be a parser differential.
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
  private last: Last = Last.None;
  /** The line break that ended the previous line, kept when a raw-broken disposition continues. */
  private lastBreak = '\r\n';
  /** Quote state of the last Content-Disposition value: inside a quoted string, and just after a backslash in one. */
  private inQuote = false;
  private escaping = false;

  /** @param dashBoundary `--` and the boundary, which no header line may start with. */
  constructor(private readonly dashBoundary: Buffer) {}

  /** Starts a new block. */
  reset(): void {
    this.length = 0;
    this.lineStart = 0;
    this.last = Last.None;
    this.inQuote = false;
    this.escaping = false;
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
    const crlf = end - start >= 2 && block[end - 2] === CR;
    const contentEnd = crlf ? end - 2 : end - 1;
    if (contentEnd === start) return crlf ? LINE_END_OF_BLOCK : this.malformedLine('a bare LF in a part header');
    if (contentEnd - start >= this.dashBoundary.length && block.compare(this.dashBoundary, 0, this.dashBoundary.length, start, start + this.dashBoundary.length) === 0) {
      return this.malformedLine('a delimiter inside a part header block');
    }
    for (let i = start; i < contentEnd; ++i) {
      if (FIELD_VALUE[block[i]!] !== 1) return this.malformedLine('a control byte in a part header');
    }

    const first = block[start]!;
    let verdict: number;
    if (first === SP || first === HTAB) {
      if (this.last === Last.None) return this.malformedLine('a part header block starting with a folded line');
      // RFC 5322 unfolding: the line break goes, the whitespace stays.
      this.extend(block.toString('latin1', start, contentEnd));
      verdict = LINE_OK;
    } else {
      verdict = this.readField(start, contentEnd);
      if (verdict === LINE_NOT_A_FIELD) {
        if (this.last !== Last.Disposition || !this.inQuote) return this.malformedLine('a part header line that is not `name: value`');
        // form-data's raw line break inside a quoted name: the break is part of the value.
        this.extend(this.lastBreak + block.toString('latin1', start, contentEnd));
        verdict = LINE_OK;
      }
    }
    // A bare LF ends a line only inside an open quote of a disposition (form-data writing a name's LF raw).
    if (!crlf && !(this.last === Last.Disposition && this.inQuote)) return this.malformedLine('a bare LF in a part header');
    this.lastBreak = crlf ? '\r\n' : '\n';
    return verdict;
  }

  /** Reads `name: value` from `block[start..contentEnd)`; {@link LINE_NOT_A_FIELD} when the line is not one. */
  private readField(start: number, contentEnd: number): number {
    const block = this.block;
    let i = start;
    while (i < contentEnd && TOKEN[block[i]!] === 1) ++i;
    if (i === start || i === contentEnd || block[i] !== COLON) return LINE_NOT_A_FIELD;
    const nameEnd = i++;
    while (i < contentEnd && (block[i] === SP || block[i] === HTAB)) ++i;
    const value = block.toString('latin1', i, contentEnd);

    const headers = this.headers;
    headers.lines += 1;
    this.last = Last.Other;
    const nameLength = nameEnd - start;
    // Only three header names matter; compare just those, case-insensitively.
    if (nameLength === 19 || nameLength === 12 || nameLength === 25) {
      const name = block.toString('latin1', start, nameEnd).toLowerCase();
      if (name === 'content-disposition') {
        headers.dispositions.push(value);
        this.last = Last.Disposition;
        this.inQuote = this.escaping = false;
        this.scanQuotes(value);
      } else if (name === 'content-type' && headers.contentType === undefined) {
        headers.contentType = value;
        this.last = Last.ContentType;
      } else if (name === 'content-transfer-encoding' && headers.transferEncoding === undefined) {
        headers.transferEncoding = value;
        this.last = Last.TransferEncoding;
      }
    }
    return LINE_OK;
  }

  /** Appends text to the value of the header the last line belonged to. */
  private extend(text: string): void {
    const headers = this.headers;
    if (this.last === Last.Disposition) {
      headers.dispositions[headers.dispositions.length - 1] += text;
      this.scanQuotes(text);
    } else if (this.last === Last.ContentType) headers.contentType += text;
    else if (this.last === Last.TransferEncoding) headers.transferEncoding += text;
  }

  /** Follows quoted strings through appended disposition text (busboy's rule: `\` escapes only `"` and `\`). */
  private scanQuotes(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (this.escaping) {
        this.escaping = false;
        if (code === DQUOTE || code === BACKSLASH) continue;
      }
      if (code === DQUOTE) this.inQuote = !this.inQuote;
      else if (code === BACKSLASH && this.inQuote) this.escaping = true;
    }
  }

  /** Makes room for `needed` bytes (at most the cap, checked by the caller), keeping what was read. */
  private grow(needed: number): void {
    const grown = Buffer.allocUnsafe(Math.min(MAX_HEADER_BLOCK_BYTES, Math.max(needed, 2 * this.block.length, 512)));
    this.block.copy(grown, 0, 0, this.length);
    this.block = grown;
  }

  private malformedLine(reason: string): number {
    this.reason = reason;
    return LINE_MALFORMED;
  }

  private refuse(reason: string): number {
    this.reason = reason;
    return MALFORMED;
  }
}

const LINE_OK = 0;
const LINE_END_OF_BLOCK = 1;
const LINE_MALFORMED = 2;
const LINE_NOT_A_FIELD = 3;

function emptyHeaders(): PartHeaders {
  return { dispositions: [], contentType: undefined, transferEncoding: undefined, lines: 0 };
}
